package io.gale.core;

/** Text from users, shortened before it is quoted in an error or a log line. */
public final class Text {

    /** What marks text that was cut. */
    public static final String ELLIPSIS = "\u2026";

    private Text() {
    }

    /**
     * The first line of {@code text}, cut to {@code max} characters; an ellipsis marks that
     * something was left out (the rest of the line or further lines). Null reads as "null".
     */
    public static String abbreviate(String text, int max) {
        if (text == null) {
            return "null";
        }
        String line = text.lines().findFirst().orElse("");
        if (line.length() > max) {
            return line.substring(0, max) + ELLIPSIS;
        }
        return line.length() < text.strip().length() ? line + ELLIPSIS : line;
    }
}
