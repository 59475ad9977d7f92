package io.gale.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Airflow's retry delay (TaskInstance.next_retry_datetime): the plain retry delay, or with
 * exponential backoff {@code min_backoff = max(1, ceil(delay * 2^(try-1)))} plus a deterministic
 * jitter {@code sha1("dag#task#logical_date#try") mod min_backoff}, capped at 24 hours and by
 * max_retry_delay.
 */
public final class RetryDelay {

    /** Airflow's [core] max_task_retry_delay default. */
    public static final Duration MAX = Duration.ofHours(24);

    private static final DateTimeFormatter PY_ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");
    private static final DateTimeFormatter PY_ISO_MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private RetryDelay() {
    }

    /** The delay after try {@code tryNumber} (1-based) failed. */
    public static Duration of(Duration retryDelay, boolean exponential, Duration maxRetryDelay,
                              String dagId, String taskId, Instant logicalDate, int tryNumber) {
        Duration delay = retryDelay;
        if (exponential) {
            double scaled = retryDelay.toMillis() / 1000.0 * Math.pow(2, tryNumber - 1);
            long minBackoff = Math.max(1, (long) Math.ceil(scaled));
            String key = dagId + "#" + taskId + "#" + pythonIso(logicalDate) + "#" + tryNumber;
            long jitter = new BigInteger(1, sha1(key)).mod(BigInteger.valueOf(minBackoff)).longValue();
            delay = Duration.ofSeconds(Math.min(minBackoff + jitter, MAX.toSeconds()));
            if (maxRetryDelay != null && maxRetryDelay.compareTo(delay) < 0) {
                delay = maxRetryDelay;
            }
        }
        return delay;
    }

    private static String pythonIso(Instant t) {
        var utc = t.atOffset(ZoneOffset.UTC);
        return (utc.getNano() == 0 ? PY_ISO : PY_ISO_MICROS).format(utc);
    }

    private static byte[] sha1(String s) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
