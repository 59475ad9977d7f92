package io.gale.api;

import java.util.regex.Pattern;

/**
 * Rules for artifact keys: relative, {@code /}-separated names of letters, digits and {@code ._=+@,-},
 * none empty or starting with {@code .} (stores keep their own files under such names).
 */
public final class ArtifactKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_=+@,-][A-Za-z0-9._=+@,-]*");

    private ArtifactKeys() {
    }

    /**
     * Returns {@code key} when it is a valid key.
     *
     * @throws IllegalArgumentException naming the key and the rule it breaks
     */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("artifact key must not be empty");
        }
        for (String s : key.split("/", -1)) {
            if (!SEGMENT.matcher(s).matches()) {
                throw new IllegalArgumentException("artifact key '" + key + "' must be relative /-separated names of "
                        + "letters, digits and ._=+@,- (none empty or starting with '.')");
            }
        }
        return key;
    }

    /**
     * One key segment from any text (a run id such as {@code scheduled__2026-01-01T00:00:00+00:00}):
     * characters outside {@code [A-Za-z0-9._=+@,-]} become {@code _}, and a leading {@code .} gets a {@code _} before it.
     */
    public static String segment(String text) {
        String s = text.replaceAll("[^A-Za-z0-9._=+@,-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
