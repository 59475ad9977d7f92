package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.TaskDefaults;
import io.gale.operators.github.GithubReposOperator;
import io.gale.operators.github.GithubStargazersOperator;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Daily crawl of who starred which repository, the training data of {@code recvae_batch_train}
 * ({@code source=github}): repositories from {@code repos}, {@code repos_file} (a list or an
 * awesome list) or {@code query}, then their stargazers (at most {@code max_pages} pages of 100),
 * into {@code gh_repository}, {@code gh_user} and {@code gh_star}. A retry resumes at the first
 * unfinished page; the next day's run re-checks pages with their ETags.
 */
public final class GithubStarsCrawl implements DagDefinition {

    @Override
    public Dag define() {
        var dag = Dag.builder("github_stars_crawl")
                .description("Daily GitHub stargazer crawl: repositories, then their stargazers, resumable page by page")
                .tags("github", "recsys")
                .schedule("@daily")
                .startDate(ZonedDateTime.of(2026, 12, 1, 0, 0, 0, 0, ZoneOffset.UTC))
                .catchup(false)
                .param("repos", List.of("ilya-shenbin/RecVAE", "dawenl/vae_cf", "microsoft/recommenders"))
                .param("repos_file", "")
                .param("query", "")
                .param("max_pages", 10)
                .param("github_api_url", "https://api.github.com")
                .param("github_conn_ids", List.of("github_default"))
                .param("star_db_conn_id", "")
                .defaults(TaskDefaults.of().retries(3).retryDelay(Duration.ofMinutes(1)));
        var repos = dag.task("list_repos", new GithubReposOperator());
        var stars = dag.task("crawl_stargazers", new GithubStargazersOperator("list_repos"))
                .executionTimeout(Duration.ofHours(12));
        repos.then(stars);
        return dag.build();
    }
}
