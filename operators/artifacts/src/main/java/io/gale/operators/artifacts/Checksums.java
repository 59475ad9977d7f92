package io.gale.operators.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * SHA-256 and CRC32C of a byte stream, computed together. The CRC32C is kept as Cloud Storage
 * shows it: base64 of its four big-endian bytes.
 */
public final class Checksums {

    private final MessageDigest sha256;
    private final CRC32C crc32c = new CRC32C();
    private long size;

    public Checksums() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Adds bytes. */
    public void update(byte[] b, int off, int len) {
        sha256.update(b, off, len);
        crc32c.update(b, off, len);
        size += len;
    }

    /** Lower-case hex SHA-256 of the bytes so far (ends the computation). */
    public String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Base64 of the big-endian CRC32C of the bytes so far. */
    public String crc32c() {
        return crc32cBase64(crc32c.getValue());
    }

    public long size() {
        return size;
    }

    /** Base64 of the four big-endian bytes of a CRC32C value. */
    public static String crc32cBase64(long value) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) value).array());
    }

    /** The checksums of a whole file. */
    public static Sums of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream());
        }
    }

    /** Copies {@code in} to {@code out}, returning the checksums of what was copied. */
    public static Sums copy(InputStream in, OutputStream out) throws IOException {
        Checksums c = new Checksums();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            c.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        return new Sums(c.size(), c.sha256(), c.crc32c());
    }

    /** Size and checksums of some bytes. */
    public record Sums(long size, String sha256, String crc32c) {
    }
}
