package io.gale.operators.github;

import java.util.regex.Pattern;

/** A repository named as {@code owner/name}. */
public record RepoRef(String owner, String name) {

    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public RepoRef {
        if (owner == null || !OWNER.matcher(owner).matches() || name == null || !NAME.matcher(name).matches()
                || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + owner + "/" + name + "' is not a GitHub repository (owner/name)");
        }
    }

    /**
     * Parses {@code owner/name} (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the text when it is not {@code owner/name}
     */
    public static RepoRef parse(String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash != t.lastIndexOf('/')) {
            throw new IllegalArgumentException("'" + abbreviate(t) + "' is not a GitHub repository (owner/name)");
        }
        try {
            return new RepoRef(t.substring(0, slash), t.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + abbreviate(t) + "' is not a GitHub repository (owner/name)");
        }
    }

    public String fullName() {
        return owner + "/" + name;
    }

    @Override
    public String toString() {
        return fullName();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
