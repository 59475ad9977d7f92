package io.gale.operators.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.store.XComRepository;
import io.gale.testing.Harness;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two operators in a DAG run: params, connections, XComs, logs, and a token that never shows. */
class OperatorsTest {

    static final String TOKEN = "ghp_s3cretT0kenValue42";

    @TempDir
    Path home;

    CrawlFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CrawlFixture();
        f.github.token(TOKEN, "default").allowAnonymous(false).limit(5, java.time.Duration.ofMinutes(1))
                .repo("acme/rocket", 11, 230).repo("acme/other", 12, 40);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Dag dag() {
        var dag = Dag.builder("github_test").param("github_api_url", f.github.url().toString())
                .param("github_conn_ids", List.of("github_default")).param("star_db_conn_id", "stars");
        var repos = dag.task("list_repos", new GithubReposOperator(f.clock, f.sleeper));
        var stars = dag.task("crawl_stargazers", new GithubStargazersOperator("list_repos", f.clock, f.sleeper));
        repos.then(stars);
        return dag.build();
    }

    /** The fixture's database as a Gale connection of type postgres. */
    private Connection starsConnection() {
        String url = f.jdbcUrl();
        URI u = URI.create(url.substring("jdbc:".length()));
        return new Connection("stars", "postgres", u.getHost(), u.getPort(), u.getPath().substring(1), "postgres", null, Map.of());
    }

    @Test
    void crawlsIntoTheConnectionsDatabasePushesCountsAndNeverShowsTheToken() throws Exception {
        try (Harness h = new Harness(home, dag())) {
            h.store.connections().put(new Connection("github_default", "github", null, null, null, null, TOKEN, Map.of()));
            h.store.connections().put(starsConnection());
            DagRun run = h.runToEnd(h.trigger("github_test", Map.of("repos", List.of("acme/rocket", "acme/missing", "acme/other"))));

            assertThat(h.states(run)).containsEntry("list_repos", "success").containsEntry("crawl_stargazers", "success");
            assertThat(f.starRows()).hasSize(270);
            String counts = h.client().xcoms("github_test", run.runId(), "crawl_stargazers", "return_value").get(0).json();
            Map<?, ?> report = io.gale.core.Json.read(counts, Map.class);
            assertThat(report.get("pages_fetched")).isEqualTo(4);
            assertThat(report.get("stars_inserted")).isEqualTo(270);
            assertThat(report.get("waits")).isEqualTo(Map.of("primary_limit", Map.of("count", 1, "seconds", 60.0)));
            String repos = h.client().xcoms("github_test", run.runId(), "list_repos", "return_value").get(0).json();
            assertThat(io.gale.core.Json.read(repos, Map.class).get("not_found")).isEqualTo(List.of("acme/missing"));
            assertThat(f.github.authorizations).contains("Bearer " + TOKEN);

            String everything = allXComs(h, run) + "\n" + h.client().log("github_test", run.runId(), "list_repos", null)
                    + "\n" + h.client().log("github_test", run.runId(), "crawl_stargazers", null);
            assertThat(everything).contains("GitHub credentials: [github_default]", "waiting until").doesNotContain(TOKEN);
        }
    }

    @Test
    void anInvalidTokenFailsTheTaskWithoutRetries() throws Exception {
        var builder = Dag.builder("github_bad_token").param("github_api_url", f.github.url().toString()).param("star_db_conn_id", "stars")
                .defaults(io.gale.api.TaskDefaults.of().retries(3));
        builder.task("list_repos", new GithubReposOperator(f.clock, f.sleeper));
        Dag dag = builder.build();
        try (Harness h = new Harness(home, dag)) {
            h.store.connections().put(new Connection("github_default", "github", null, null, null, null, "ghp_wrong" + TOKEN, Map.of()));
            h.store.connections().put(starsConnection());
            DagRun run = h.runToEnd(h.trigger("github_bad_token", Map.of("repos", List.of("acme/rocket"))));
            assertThat(h.states(run)).containsEntry("list_repos", "failed");
            assertThat(h.ti(run, "list_repos").tryNumber()).isEqualTo(1);
            assertThat(f.github.requests.get()).isEqualTo(1);
            String log = h.client().log("github_bad_token", run.runId(), "list_repos", null);
            assertThat(log).contains("GitHub answered 401 (bad credentials) for the token of connection 'github_default'").doesNotContain(TOKEN);
        }
    }

    private static String allXComs(Harness h, DagRun run) {
        return h.store.taskInstances().forRun(run.dagId(), run.runId()).stream()
                .flatMap(ti -> h.client().xcoms(run.dagId(), run.runId(), ti.taskId(), null).stream())
                .map(XComRepository.Entry::json).collect(Collectors.joining("\n"));
    }

}
