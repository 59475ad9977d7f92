package io.gale.operators.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Repositories read from a file: one {@code owner/name} per line ({@code #} comments and blank
 * lines skipped), or a Markdown "awesome" list, from which the GitHub repository links are taken.
 * A malformed line is reported with its line number and the rest are still read.
 *
 * @param repos the repositories, in order of first appearance, without duplicates
 * @param problems one line per malformed input line ({@code list.txt:7: 'x' is not ...})
 */
public record RepoList(List<RepoRef> repos, List<String> problems) {

    private static final Pattern LINK = Pattern.compile(
            "https?://(?:www\\.)?github\\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)(?=$|[)/#?\\s\"'>\\]])");
    /** First path segments of github.com that are pages, not owners. */
    private static final Set<String> NOT_OWNERS = Set.of("topics", "sponsors", "features", "marketplace", "orgs",
            "about", "collections", "apps", "settings", "site", "trending", "explore", "login", "join", "pricing",
            "enterprise", "readme", "security", "customer-stories", "events", "github");

    public RepoList {
        repos = List.copyOf(repos);
        problems = List.copyOf(problems);
    }

    /** Reads a list file; {@code .md}/{@code .markdown} files are read as awesome lists. */
    public static RepoList read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the repository list " + file + ": " + e.getMessage(), e);
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".md") || n.endsWith(".markdown")
                ? fromMarkdown(text) : fromLines(text.lines().toList(), file.getFileName().toString());
    }

    /** {@code owner/name} lines; {@code source} names the input in problems. */
    public static RepoList fromLines(List<String> lines, String source) {
        Set<RepoRef> repos = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String t = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (t.isEmpty()) {
                continue;
            }
            try {
                repos.add(RepoRef.parse(t));
            } catch (IllegalArgumentException e) {
                problems.add(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return new RepoList(new ArrayList<>(repos), problems);
    }

    /** The {@code https://github.com/owner/name} links of a Markdown text. */
    public static RepoList fromMarkdown(String markdown) {
        Set<RepoRef> repos = new LinkedHashSet<>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) {
            String owner = m.group(1);
            String name = m.group(2);
            if (name.endsWith(".git")) {
                name = name.substring(0, name.length() - 4);
            }
            if (NOT_OWNERS.contains(owner.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
                continue;
            }
            try {
                repos.add(new RepoRef(owner, name));
            } catch (IllegalArgumentException ignored) {
                // not a repository link
            }
        }
        return new RepoList(new ArrayList<>(repos), List.of());
    }
}
