package io.gale.operators.kubernetes;

import io.gale.core.TaskKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names and label values of a try's pod: Kubernetes allows at most 63 characters from a small
 * alphabet, so values are sanitised and, when that changed them, suffixed with a hash of the
 * exact value (the exact values go into annotations).
 */
final class PodNames {

    static final int MAX = 63;

    private PodNames() {
    }

    /**
     * A pod name fixed by the task instance and try (so a repeated submit cannot make a second
     * pod): {@code gale-<dag>-<task>-<hash>}, lower case, at most 63 characters.
     */
    static String pod(TaskKey key, int tryNumber) {
        String hash = hash(key.dagId() + '\u0000' + key.runId() + '\u0000' + key.taskId() + '\u0000' + tryNumber, 10);
        String readable = ("gale-" + key.dagId() + "-" + key.taskId()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        readable = readable.substring(0, Math.min(readable.length(), MAX - hash.length() - 1)).replaceAll("-+$", "");
        return readable + "-" + hash;
    }

    /**
     * {@code value} as a label value: itself when it is one; otherwise its allowed characters,
     * cut to fit, with a hash of the exact value appended.
     */
    static String label(String value) {
        if (value.length() <= MAX && value.matches("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")) {
            return value;
        }
        String hash = hash(value, 9);
        String safe = value.replaceAll("[^-A-Za-z0-9_.]+", "-");
        safe = safe.substring(0, Math.min(safe.length(), MAX - hash.length() - 1));
        safe = safe.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return safe.isEmpty() ? hash : safe + "-" + hash;
    }

    private static String hash(String value, int chars) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, chars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
