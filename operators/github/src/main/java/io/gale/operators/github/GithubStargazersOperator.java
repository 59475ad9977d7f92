package io.gale.operators.github;

import io.gale.api.FailTask;
import io.gale.api.Operator;
import io.gale.api.TaskContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Crawls the stargazers of the repositories an upstream {@link GithubReposOperator} pushed, into
 * {@code gh_user} and {@code gh_star} (param {@code max_pages}, default 10 pages of 100). A retry
 * resumes each repository at its first uncommitted page; a later run re-checks pages with their
 * ETags. Returns the counts (pages fetched, 304s, rows inserted and updated, waits and their
 * reasons), which are also logged.
 */
public final class GithubStargazersOperator implements Operator<Map<String, Object>> {

    private final String reposTask;
    private final Clock clock;
    private final Sleeper sleeper;

    /** Crawls the repositories that task {@code reposTask} pushed as {@value GithubReposOperator#REPOSITORIES}. */
    public GithubStargazersOperator(String reposTask) {
        this(reposTask, Clock.systemUTC(), null);
    }

    /** With a clock and sleeper for rate-limit waits (tests use a settable clock). */
    public GithubStargazersOperator(String reposTask, Clock clock, Sleeper sleeper) {
        this.reposTask = reposTask;
        this.clock = clock;
        this.sleeper = sleeper == null ? Sleeper.real(clock) : sleeper;
    }

    @Override
    public Map<String, Object> execute(TaskContext ctx) throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pushed = ctx.xcomPull(reposTask, GithubReposOperator.REPOSITORIES, List.class);
        if (pushed == null) {
            throw new FailTask("task '" + reposTask + "' pushed no XCom '" + GithubReposOperator.REPOSITORIES + "'");
        }
        List<RepoTarget> repos = new ArrayList<>();
        for (Map<String, Object> m : pushed) {
            repos.add(new RepoTarget(((Number) m.get("id")).longValue(), String.valueOf(m.get("full_name"))));
        }
        return CrawlTask.run(ctx, clock, sleeper, crawl -> crawl.stargazers(repos, CrawlTask.pass(ctx)).toMap());
    }
}
