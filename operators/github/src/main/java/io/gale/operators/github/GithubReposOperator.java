package io.gale.operators.github;

import io.gale.api.FailTask;
import io.gale.api.Operator;
import io.gale.api.TaskContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the repositories to crawl and stores their metadata in {@code gh_repository}: the param
 * {@code repos} (a list of {@code owner/name}), {@code repos_file} (a file of such lines, or a
 * Markdown awesome list) and {@code query} (a GitHub search, at most {@code search_limit}, 1,000
 * at most). A malformed line is named with its line number and skipped; a repository that does
 * not exist is recorded as not found. Pushes {@value #REPOSITORIES} (a list of {@code id} and
 * {@code full_name}) and returns the crawl's counts.
 */
public final class GithubReposOperator implements Operator<Map<String, Object>> {

    /** The XCom key of the repositories found. */
    public static final String REPOSITORIES = "repositories";

    private final Clock clock;
    private final Sleeper sleeper;

    public GithubReposOperator() {
        this(Clock.systemUTC(), null);
    }

    /** With a clock and sleeper for rate-limit waits (tests use a settable clock). */
    public GithubReposOperator(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper == null ? Sleeper.real(clock) : sleeper;
    }

    @Override
    public Map<String, Object> execute(TaskContext ctx) throws Exception {
        Set<RepoRef> refs = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        Object repos = ctx.params().get("repos");
        if (repos instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                try {
                    refs.add(RepoRef.parse(String.valueOf(list.get(i))));
                } catch (IllegalArgumentException e) {
                    problems.add("repos[" + i + "]: " + e.getMessage());
                }
            }
        } else if (repos instanceof String s && !s.isBlank()) {
            RepoList parsed = RepoList.fromLines(List.of(s.split("[,\\s]+")), "repos");
            refs.addAll(parsed.repos());
            problems.addAll(parsed.problems());
        }
        String file = ctx.param("repos_file", String.class);
        if (file != null && !file.isBlank()) {
            RepoList parsed = RepoList.read(Path.of(file));
            ctx.log().info("{}: {} repositories", file, parsed.repos().size());
            refs.addAll(parsed.repos());
            problems.addAll(parsed.problems());
        }
        String query = ctx.param("query", String.class);
        if (refs.isEmpty() && (query == null || query.isBlank())) {
            throw new FailTask("no repositories to crawl: set the param 'repos' (owner/name list), 'repos_file' or 'query'"
                    + (problems.isEmpty() ? "" : " (" + problems.get(0) + ")"));
        }
        Integer limit = ctx.param("search_limit", Integer.class);
        return CrawlTask.run(ctx, clock, sleeper, crawl -> {
            problems.forEach(crawl::problem);
            List<RepoTarget> found = new ArrayList<>(crawl.repositories(List.copyOf(refs)));
            if (query != null && !query.isBlank()) {
                for (RepoTarget t : crawl.search(query, limit == null ? GithubCrawl.SEARCH_CAP : limit)) {
                    if (found.stream().noneMatch(f -> f.id() == t.id())) {
                        found.add(t);
                    }
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (RepoTarget t : found) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", t.id());
                m.put("full_name", t.fullName());
                out.add(m);
            }
            ctx.xcomPush(REPOSITORIES, out);
            Map<String, Object> report = crawl.report().toMap();
            ctx.log().info("repositories: {}", report);
            return report;
        });
    }
}
