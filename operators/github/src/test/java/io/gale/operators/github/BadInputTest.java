package io.gale.operators.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.operators.github.FakeGithub.Fault;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {

    CrawlFixture f;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        f = new CrawlFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aRepositoryThatDoesNotExistIsRecordedAndTheCrawlContinues() throws Exception {
        f.github.repo("acme/rocket", 11, 120);
        GithubCrawl crawl = f.crawl(f.settings());
        CrawlReport r = f.crawlAll(crawl, "p1", "acme/missing", "acme/rocket");
        assertThat(r.notFound()).containsExactly("acme/missing");
        assertThat(f.log()).contains("repository acme/missing not found (404); skipped");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 120, 10));
    }

    @Test
    void aMalformedListLineIsNamedByItsNumberAndTheRestIsRead() throws Exception {
        Path list = dir.resolve("repos.txt");
        Files.writeString(list, "# favourites\nacme/rocket\n\nnot a repo line\nacme/other # the other one\nbad//slash\n");
        RepoList parsed = RepoList.read(list);
        assertThat(parsed.repos()).containsExactly(RepoRef.parse("acme/rocket"), RepoRef.parse("acme/other"));
        assertThat(parsed.problems()).containsExactly(
                "repos.txt:4: 'not a repo line' is not a GitHub repository (owner/name)",
                "repos.txt:6: 'bad//slash' is not a GitHub repository (owner/name)");
    }

    @Test
    void anAwesomeListGivesItsRepositoryLinks() throws Exception {
        Path md = dir.resolve("awesome.md");
        Files.writeString(md, """
                # Awesome Recsys [![Awesome](https://awesome.re/badge.svg)](https://github.com/sindresorhus/awesome)
                - [RecVAE](https://github.com/ilya-shenbin/RecVAE) - the model.
                - [Mult-VAE](https://github.com/dawenl/vae_cf/) and <https://github.com/dawenl/vae_cf.git>
                - Topics: https://github.com/topics/recommender-system, sponsors https://github.com/sponsors/someone
                - [Deep dive](https://github.com/microsoft/recommenders#readme)
                """);
        assertThat(RepoList.read(md).repos()).extracting(RepoRef::fullName).containsExactly(
                "sindresorhus/awesome", "ilya-shenbin/RecVAE", "dawenl/vae_cf", "microsoft/recommenders");
    }

    @Test
    void anInvalidTokenFailsAtOnceWithoutARetryStorm() {
        f.github.token("good", "good").repo("acme/rocket", 11, 120);
        GithubCrawl crawl = f.crawl(f.settings(), new Credential("github_default", "ghp_wrongTOKEN123"));
        assertThatThrownBy(() -> f.crawlAll(crawl, "p1", "acme/rocket"))
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessage("GitHub answered 401 (bad credentials) for the token of connection 'github_default' to /repos/acme/rocket:"
                        + " check the connection's password (a GitHub token); not retrying");
        assertThat(f.github.requests.get()).isEqualTo(1);
        assertThat(f.log()).doesNotContain("ghp_wrongTOKEN123");
    }

    @Test
    void aResponseThatIsNotJsonIsRetriedThenTheRepositoryFailsAndTheOthersAreCrawled() throws Exception {
        f.github.repo("acme/rocket", 11, 250).repo("acme/other", 12, 50).fault("acme/other/stargazers", new Fault.NotJson());
        for (int i = 0; i < 6; i++) {
            f.github.fault("rocket/stargazers", new Fault.NotJson());
        }
        GithubCrawl crawl = f.crawl(f.settings());
        assertThatThrownBy(() -> f.crawlAll(crawl, "p1", "acme/rocket", "acme/other"))
                .isInstanceOf(GithubException.class)
                .hasMessageStartingWith("1 of 2 repositories failed (acme/rocket)");
        assertThat(crawl.report().failed()).singleElement().asString()
                .contains("/repos/acme/rocket/stargazers?per_page=100&page=1: the response is not JSON (text/html), 6 tries");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(12, 50, 10));
    }

    @Test
    void aLinkHeaderToAnotherHostIsRefused() throws Exception {
        f.github.repo("acme/rocket", 11, 250).repo("acme/other", 12, 50).fault("rocket/stargazers", new Fault.ForeignLink());
        GithubCrawl crawl = f.crawl(f.settings());
        assertThatThrownBy(() -> f.crawlAll(crawl, "p1", "acme/rocket", "acme/other")).isInstanceOf(GithubException.class);
        assertThat(crawl.report().failed()).singleElement().asString()
                .contains("Link rel=\"next\" of GET /repos/acme/rocket/stargazers?per_page=100&page=1 points to http://evil.example:80, not the API at "
                        + f.github.url() + "; refused");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(12, 50, 10));
        assertThat(f.db.dsl().fetchOne("select count(*) from gh_star where repo_id = 11").get(0, Integer.class))
                .as("the page whose link was refused is not committed").isZero();
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopback() {
        assertThatThrownBy(() -> CrawlSettings.defaults(URI.create("http://github.example.com")))
                .hasMessage("github_api_url 'http://github.example.com': plain http is allowed only for loopback addresses; use https");
        assertThat(CrawlSettings.defaults(URI.create("http://127.0.0.1:9300/")).apiUrl()).hasToString("http://127.0.0.1:9300");
        assertThat(CrawlSettings.defaults(URI.create("https://ghe.example.com/api/v3")).apiUrl()).hasToString("https://ghe.example.com/api/v3");
    }

    @Test
    void aRetryAfterDateIsHonoured() throws Exception {
        java.time.Instant until = f.clock.instant().plusSeconds(45);
        f.github.repo("acme/rocket", 11, 150).fault("page=2", new Fault.Status(403,
                Map.of("retry-after", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(until.atZone(java.time.ZoneOffset.UTC))),
                "{\"message\":\"secondary rate limit\"}"));
        f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket");
        assertThat(f.clock.instant()).isEqualTo(until);
        Set<String> rows = new HashSet<>(CrawlFixture.expectedStars(11, 150, 10));
        assertThat(f.starRows()).isEqualTo(rows);
    }
}
