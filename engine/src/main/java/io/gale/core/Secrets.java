package io.gale.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text Gale prints or logs: passwords in URLs ({@code password=...} parameters
 * and {@code user:password@} user info) and known secret values such as
 * {@code GALE_DATABASE_PASSWORD}.
 */
public final class Secrets {

    /** What a masked secret reads as. */
    public static final String MASK = "***";

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;]\\s*[^&#;=\\s]*password\\s*=)([^&#;\\s]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:\\s?#]*:)([^/@\\s?#]*)@");

    private Secrets() {
    }

    /**
     * The URL with the values of its {@code password}-like parameters and the password of its
     * user info replaced by {@value #MASK}. Null stays null.
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return USER_INFO.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    }

    /**
     * The text with every occurrence of the given secrets (nulls and empty strings are ignored)
     * and every password in a URL it contains replaced by {@value #MASK}.
     */
    public static String mask(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                masked = masked.replace(secret, MASK);
            }
        }
        return maskUrl(masked);
    }

    /**
     * The passwords a URL carries, as written and decoded, so that they can be masked wherever
     * they reappear (e.g. in a driver's error message).
     */
    public static String[] passwordsIn(String url) {
        List<String> found = new ArrayList<>();
        if (url != null) {
            Matcher param = PASSWORD_PARAM.matcher(url);
            while (param.find()) {
                addWithDecoded(found, param.group(2));
            }
            Matcher info = USER_INFO.matcher(url);
            while (info.find()) {
                addWithDecoded(found, info.group(2));
            }
        }
        return found.toArray(String[]::new);
    }

    private static void addWithDecoded(List<String> found, String value) {
        if (value.isEmpty()) {
            return;
        }
        found.add(value);
        try {
            String decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
            if (!decoded.equals(value)) {
                found.add(decoded);
            }
        } catch (IllegalArgumentException ignored) {
            // not percent-encoded: the raw value is masked
        }
    }
}
