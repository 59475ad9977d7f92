package io.gale.operators.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.operators.github.CrawlReport.WaitReason;
import io.gale.operators.github.FakeGithub.Fault;
import io.gale.operators.github.store.StarStore.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GithubCrawlTest {

    CrawlFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CrawlFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void followsLinkHeadersAndStoresStarredAt() throws Exception {
        f.github.repo("acme/rocket", 11, 250).repo("acme/tiny", 12, 3);
        CrawlReport r = f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket", "acme/tiny");

        Set<String> expected = new HashSet<>(CrawlFixture.expectedStars(11, 250, 10));
        expected.addAll(CrawlFixture.expectedStars(12, 3, 10));
        assertThat(f.starRows()).isEqualTo(expected);
        assertThat(r.pagesFetched()).isEqualTo(4);
        assertThat(r.pagesCommitted()).isEqualTo(4);
        assertThat(r.starsInserted()).isEqualTo(253);
        assertThat(f.store.checkpoint(11).orElseThrow().status()).isEqualTo(Status.COMPLETE);
        assertThat(f.store.repository(11).orElseThrow().topics()).containsExactly("ml", "recsys");
        assertThat(f.github.pagesServed.get()).isEqualTo(4);
    }

    @Test
    void stopsAtThePageCapAndAtGithubs422AsTruncated() throws Exception {
        f.github.repo("acme/big", 21, 1500).repo("acme/capped", 22, 700).pageCap(5);
        CrawlReport r = f.crawlAll(f.crawl(f.settings().withMaxPages(3)), "p1", "acme/big");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(21, 1500, 3));
        assertThat(r.truncated()).containsExactly("acme/big");

        CrawlReport r2 = f.crawlAll(f.crawl(f.settings().withMaxPages(10)), "p2", "acme/capped");
        assertThat(r2.truncated()).containsExactly("acme/capped");
        assertThat(f.store.checkpoint(22).orElseThrow().status()).isEqualTo(Status.TRUNCATED);
        assertThat(f.starRows()).containsAll(CrawlFixture.expectedStars(22, 700, 5)).hasSize(300 + 500);
        assertThat(f.log()).contains("acme/capped: GitHub serves no page 6 (422)");
    }

    @Test
    void waitsForThePrimaryLimitToResetAndContinues() throws Exception {
        f.github.token("tok-a", "a").limit(4, Duration.ofMinutes(1)).allowAnonymous(false).repo("acme/rocket", 11, 1000);
        Instant start = f.clock.instant();
        CrawlReport r = f.crawlAll(f.crawl(f.settings(), new Credential("github_default", "tok-a")), "p1", "acme/rocket");

        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 1000, 10));
        assertThat(f.github.overLimit.get()).as("requests beyond the budget").isZero();
        assertThat(f.github.maxUsedInWindow.get()).isEqualTo(4);
        assertThat(r.waits(WaitReason.PRIMARY_LIMIT)).isEqualTo(2); // 11 requests, 4 per window
        assertThat(Duration.between(start, f.clock.instant())).isBetween(Duration.ofMinutes(2), Duration.ofMinutes(3));
        assertThat(f.log()).contains("x-ratelimit-remaining 0", "waiting until");
    }

    @Test
    void a403WithRemainingZeroWaitsUntilItsReset() throws Exception {
        Instant reset = f.clock.instant().plusSeconds(600);
        f.github.repo("acme/rocket", 11, 300).fault("/stargazers", new Fault.Status(403,
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-limit", "5000", "x-ratelimit-reset", String.valueOf(reset.getEpochSecond())),
                "{\"message\":\"API rate limit exceeded\"}"));
        CrawlReport r = f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 300, 10));
        assertThat(f.clock.instant()).isAfterOrEqualTo(reset);
        assertThat(r.waits(WaitReason.PRIMARY_LIMIT)).isEqualTo(1);
    }

    @Test
    void aSecondaryLimitWithRetryAfterWaitsThatLong() throws Exception {
        f.github.repo("acme/rocket", 11, 300).fault("page=2", new Fault.Status(403, Map.of("retry-after", "30"),
                "{\"message\":\"You have exceeded a secondary rate limit\"}"));
        Instant start = f.clock.instant();
        CrawlReport r = f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 300, 10));
        assertThat(Duration.between(start, f.clock.instant())).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.waits(WaitReason.SECONDARY_LIMIT)).isEqualTo(1);
    }

    @Test
    void a429WithoutRetryAfterWaitsAMinuteThenBacksOffExponentially() throws Exception {
        f.github.repo("acme/rocket", 11, 300)
                .fault("page=2", new Fault.Status(429, Map.of(), "{\"message\":\"too many\"}"))
                .fault("page=2", new Fault.Status(429, Map.of(), "{\"message\":\"too many\"}"));
        Instant start = f.clock.instant();
        f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 300, 10));
        assertThat(Duration.between(start, f.clock.instant())).isEqualTo(Duration.ofSeconds(60 + 120));
    }

    @Test
    void anAbsurdRetryAfterIsCappedAndSaid() throws Exception {
        f.github.repo("acme/rocket", 11, 150).fault("page=2", new Fault.Status(403, Map.of("retry-after", "99999999"),
                "{\"message\":\"secondary rate limit\"}"));
        Instant start = f.clock.instant();
        f.crawlAll(f.crawl(f.settings().withMaxWait(Duration.ofMinutes(15))), "p1", "acme/rocket");
        assertThat(Duration.between(start, f.clock.instant())).isEqualTo(Duration.ofMinutes(15));
        assertThat(f.log()).contains("a wait of 99999999 s is more than the cap of 900 s; waiting 900 s");
        assertThat(f.starRows()).hasSize(150);
    }

    @Test
    void retries502sADroppedConnectionAndASlowResponse() throws Exception {
        f.github.repo("acme/rocket", 11, 400)
                .fault("page=2", new Fault.Status(502, Map.of(), "bad gateway"))
                .fault("page=2", new Fault.Status(502, Map.of(), "bad gateway"))
                .fault("page=3", new Fault.Drop())
                .fault("page=4", new Fault.Slow(Duration.ofSeconds(3)));
        CrawlReport r = f.crawlAll(f.crawl(f.settings().withRequestTimeout(Duration.ofMillis(500))), "p1", "acme/rocket");
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(11, 400, 10));
        assertThat(r.retries()).isEqualTo(4);
        assertThat(r.waits(WaitReason.BACKOFF)).isEqualTo(4);
        assertThat(f.log()).contains("HTTP 502", "connection error", "HttpTimeoutException");
    }

    @Test
    void aSecondRunSendsEtagsAndA304ChangesNothingAndCostsNothing() throws Exception {
        f.github.token("tok-a", "a").limit(100, Duration.ofHours(1)).repo("acme/rocket", 11, 250).repo("acme/other", 12, 120);
        Credential a = new Credential("github_default", "tok-a");
        f.crawlAll(f.crawl(f.settings(), a), "run1", "acme/rocket", "acme/other");
        Set<String> first = f.starRows();
        long pagesBefore = f.github.pagesServed.get();

        CrawlReport second = f.crawlAll(f.crawl(f.settings(), a), "run2", "acme/rocket", "acme/other");
        assertThat(second.notModified()).isEqualTo(5);
        assertThat(second.pagesFetched()).isZero();
        assertThat(second.starsInserted() + second.starsUpdated() + second.usersInserted()).isZero();
        assertThat(f.github.pagesServed.get()).isEqualTo(pagesBefore);
        assertThat(f.github.used("a", "core")).as("304s are free: metadata and pages, then metadata again").isEqualTo(2 + 5 + 2);
        assertThat(f.starRows()).isEqualTo(first);

        f.github.setStars("acme/rocket", 320);
        CrawlReport third = f.crawlAll(f.crawl(f.settings(), a), "run3", "acme/rocket", "acme/other");
        assertThat(third.notModified()).isEqualTo(2 + 2); // rocket pages 1-2, other pages 1-2
        assertThat(third.pagesFetched()).isEqualTo(2);    // rocket page 3 changed, page 4 is new
        assertThat(third.starsInserted()).isEqualTo(70);
        Set<String> expected = new HashSet<>(CrawlFixture.expectedStars(11, 320, 10));
        expected.addAll(CrawlFixture.expectedStars(12, 120, 10));
        assertThat(f.starRows()).isEqualTo(expected);
    }

    @Test
    void aRetryOfTheSamePassResumesAtTheFirstUncommittedPage() throws Exception {
        f.github.repo("acme/rocket", 11, 500).repo("acme/other", 12, 100);
        for (int i = 0; i < 6; i++) {
            f.github.fault("page=3", new Fault.Status(503, Map.of(), "unavailable"));
        }
        GithubCrawl first = f.crawl(f.settings());
        assertThatThrownBy(() -> f.crawlAll(first, "p1", "acme/rocket", "acme/other"))
                .isInstanceOf(GithubException.class)
                .hasMessageContaining("1 of 2 repositories failed (acme/rocket)");
        assertThat(f.store.checkpoint(11).orElseThrow().nextPage()).isEqualTo(3);
        assertThat(f.store.checkpoint(12).orElseThrow().status()).isEqualTo(Status.COMPLETE);
        long served = f.github.pagesServed.get();

        CrawlReport retry = f.crawlAll(f.crawl(f.settings()), "p1", "acme/rocket", "acme/other");
        assertThat(f.github.pagesServed.get() - served).as("pages 3, 4 and 5 of rocket only").isEqualTo(3);
        assertThat(retry.pagesFetched()).isEqualTo(3);
        Set<String> expected = new HashSet<>(CrawlFixture.expectedStars(11, 500, 10));
        expected.addAll(CrawlFixture.expectedStars(12, 100, 10));
        assertThat(f.starRows()).isEqualTo(expected);
        assertThat(f.log()).contains("acme/rocket: resuming at page 3", "acme/other: already crawled in this pass");
    }

    @Test
    void twoCredentialsShareTheLoadWithinTheirBudgets() throws Exception {
        f.github.token("tok-a", "a").token("tok-b", "b").limit(10, Duration.ofMinutes(1)).allowAnonymous(false).repos(6, 1000);
        GithubCrawl crawl = f.crawl(f.settings(), new Credential("gh_a", "tok-a"), new Credential("gh_b", "tok-b"));
        Instant start = f.clock.instant();
        crawl.stargazers(crawl.repositories(f.github.names().stream().map(RepoRef::parse).toList()), "p1");

        assertThat(f.starRows()).hasSize(6000);
        assertThat(f.github.overLimit.get()).isZero();
        assertThat(f.github.maxUsedInWindow.get()).isLessThanOrEqualTo(10);
        long windows = Duration.between(start, f.clock.instant()).toMinutes() + 1;
        assertThat(windows).as("66 requests at 20 a window").isBetween(4L, 5L);
        assertThat(f.github.authorizations).contains("Bearer tok-a", "Bearer tok-b");
        assertThat(f.github.authorizations.stream().filter("Bearer tok-a"::equals).count()).isBetween(25L, 41L);
    }

    @Test
    void severalFetchersAndWritersStoreEveryRowOnceWithoutDeadlocks() throws Exception {
        f.github.repos(12, 700).users(1003); // few users: most stargazers star many repositories
        GithubCrawl crawl = f.crawl(f.settings().withConcurrency(4).withWriters(3).withQueue(4, 3));
        CrawlReport r = crawl.stargazers(crawl.repositories(f.github.names().stream().map(RepoRef::parse).toList()), "p1");
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            for (int k = 0; k < 700; k++) {
                expected.add((1000 + i) + "," + FakeGithub.userOf(1000 + i, k, 1003) + "," + FakeGithub.starredAt(1000 + i, k));
            }
        }
        assertThat(f.starRows()).isEqualTo(expected);
        assertThat(r.starsInserted()).isEqualTo(12 * 700);
        assertThat(r.usersInserted()).isEqualTo(f.userRows().size()).isGreaterThan(700);
        assertThat(r.pagesCommitted()).isEqualTo(12 * 7);
    }

    @Test
    void aRenamedRepositoryKeepsItsId() throws Exception {
        f.github.repo("acme/old-name", 31, 150);
        f.crawlAll(f.crawl(f.settings()), "p1", "acme/old-name");
        f.github.rename("acme/old-name", "newco/new-name");

        GithubCrawl crawl = f.crawl(f.settings());
        List<RepoTarget> targets = crawl.repositories(List.of(RepoRef.parse("acme/old-name")));
        assertThat(targets).containsExactly(new RepoTarget(31, "newco/new-name"));
        crawl.stargazers(targets, "p2");
        assertThat(f.store.repository(31).orElseThrow().fullName()).isEqualTo("newco/new-name");
        assertThat(f.db.dsl().fetchOne("select count(*) from gh_repository").get(0, Integer.class)).isEqualTo(1);
        assertThat(f.starRows()).isEqualTo(CrawlFixture.expectedStars(31, 150, 10));
    }

    @Test
    void searchReadsUpToItsCapOnTheSearchBudget() throws Exception {
        f.github.repos(250, 1);
        GithubCrawl crawl = f.crawl(f.settings());
        List<RepoTarget> found = crawl.search("gale-fake", 230);
        assertThat(found).hasSize(230);
        assertThat(found.get(0)).isEqualTo(new RepoTarget(1000, "gale-fake/repo-000"));
        assertThat(f.db.dsl().fetchOne("select count(*) from gh_repository").get(0, Integer.class)).isEqualTo(230);
    }
}
