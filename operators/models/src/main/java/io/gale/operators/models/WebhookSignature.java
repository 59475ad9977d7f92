package io.gale.operators.models;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}
 * with the {@code webhook-id} and {@code webhook-timestamp} (Unix seconds) headers. A secret of the
 * form {@code whsec_<base64>} is the base64-decoded key, as the specification's libraries read it;
 * any other secret is used as its UTF-8 bytes. The key never appears in {@link #toString()} or in
 * an error.
 */
public final class WebhookSignature {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private final SecretKeySpec key;

    private WebhookSignature(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The signer/verifier of a secret ({@code whsec_<base64>} or any other text). */
    public static WebhookSignature of(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        if (secret.startsWith(PREFIX)) {
            try {
                return new WebhookSignature(Base64.getDecoder().decode(secret.substring(PREFIX.length())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a webhook secret starting with whsec_ must be base64 after the prefix");
            }
        }
        return new WebhookSignature(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code v1,<base64 signature>} of a message. */
    public String sign(String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(id, timestamp, body));
    }

    private byte[] mac(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /**
     * Checks the three headers against the body: all present, the timestamp within {@code tolerance}
     * of {@code now} (either way), and one of the space-separated {@code v1,} signatures matching
     * (compared in constant time). Returns the timestamp.
     *
     * @throws WebhookRejectedException saying which check failed
     */
    public long verify(String id, String timestamp, String signatures, byte[] body, Instant now, Duration tolerance) {
        if (id == null || id.isBlank() || timestamp == null || signatures == null) {
            throw new WebhookRejectedException("missing " + (id == null || id.isBlank() ? ID : timestamp == null ? TIMESTAMP : SIGNATURE)
                    + " header");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(TIMESTAMP + " is not a number of seconds");
        }
        long skew = Math.abs(now.getEpochSecond() - ts);
        if (skew > tolerance.toSeconds()) {
            throw new WebhookRejectedException(TIMESTAMP + " is " + skew + " s away from now (tolerance "
                    + tolerance.toSeconds() + " s): too old or replayed");
        }
        byte[] expected = mac(id, ts, body);
        for (String s : signatures.trim().split("\\s+")) {
            if (s.startsWith("v1,")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(s.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return ts;
                }
            }
        }
        throw new WebhookRejectedException("no valid v1 signature in " + SIGNATURE);
    }

    @Override
    public String toString() {
        return "WebhookSignature[HMAC-SHA256, key hidden]";
    }
}
