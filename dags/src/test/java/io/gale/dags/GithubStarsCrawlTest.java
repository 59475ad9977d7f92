package io.gale.dags;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.api.Connection;
import io.gale.api.Dag;
import io.gale.core.DagRun;
import io.gale.core.Json;
import io.gale.operators.github.FakeGithub;
import io.gale.testing.Harness;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GithubStarsCrawlTest {

    @TempDir
    Path home;

    @Test
    void shape() {
        Dag dag = new GithubStarsCrawl().define();
        assertThat(dag.id()).isEqualTo("github_stars_crawl");
        assertThat(dag.schedule()).isEqualTo("@daily");
        assertThat(dag.params()).containsEntry("max_pages", 10).containsEntry("github_api_url", "https://api.github.com")
                .containsEntry("github_conn_ids", List.of("github_default")).containsKeys("repos", "repos_file", "query");
    }

    @Test
    void crawlsTheFakeGithubThenRecVaeTrainsOnTheStars() throws Exception {
        try (FakeGithub github = new FakeGithub(Clock.systemUTC()).repos(30, 300).users(1000).anonymousLimit(Integer.MAX_VALUE);
             Harness h = new Harness(home, new GithubStarsCrawl().define(), new RecVaeBatchTrain().define())) {
            URI db = URI.create(h.db.description().replaceFirst("^PostgreSQL at jdbc:", ""));
            h.store.connections().put(new Connection("stars", "postgres", db.getHost(), db.getPort(), db.getPath().substring(1),
                    "postgres", null, Map.of()));

            DagRun crawl = h.runToEnd(h.trigger("github_stars_crawl", Map.of("github_api_url", github.url().toString(),
                    "query", "gale-fake", "repos", List.of(), "star_db_conn_id", "stars")));
            assertThat(h.states(crawl)).containsEntry("list_repos", "success").containsEntry("crawl_stargazers", "success");
            Map<?, ?> counts = Json.read(h.client().xcoms("github_stars_crawl", crawl.runId(), "crawl_stargazers", "return_value")
                    .get(0).json(), Map.class);
            assertThat(counts.get("stars_inserted")).isEqualTo(9000);
            assertThat(counts.get("pages_fetched")).isEqualTo(90);

            DagRun train = h.runToEnd(h.trigger("recvae_batch_train", Map.of("source", "github", "star_db_conn_id", "stars", "epochs", 1)));
            assertThat(h.states(train)).containsEntry("preprocess_base_data", "success").containsEntry("register", "success");
            Map<?, ?> base = Json.read(h.client().xcoms("recvae_batch_train", train.runId(), "preprocess_base_data", "return_value")
                    .get(0).json(), Map.class);
            assertThat(base.get("source")).isEqualTo("github:gh_star");
            assertThat(base.get("items")).isEqualTo(30);
            assertThat(base.get("users")).isEqualTo(1000);
        }
    }
}
