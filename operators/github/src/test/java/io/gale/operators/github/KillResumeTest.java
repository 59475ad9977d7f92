package io.gale.operators.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crawl killed with SIGKILL mid-way and started again ends with exactly the rows of an uninterrupted crawl. */
class KillResumeTest {

    static final int REPOS = 8;
    static final int STARS = 600;

    @TempDir
    Path dir;

    @Test
    void aKilledCrawlResumedEndsWithTheRowsOfAnUninterruptedOne() throws Exception {
        Set<String> referenceStars;
        Set<String> referenceUsers;
        try (CrawlFixture ref = new CrawlFixture()) {
            ref.github.repos(REPOS, STARS);
            GithubCrawl crawl = ref.crawl(ref.settings());
            crawl.stargazers(crawl.repositories(ref.github.names().stream().map(RepoRef::parse).toList()), "reference");
            referenceStars = ref.starRows();
            referenceUsers = ref.userRows();
        }
        assertThat(referenceStars).hasSize(REPOS * STARS);

        try (CrawlFixture f = new CrawlFixture()) {
            f.github.repos(REPOS, STARS).delay(Duration.ofMillis(25)).anonymousLimit(Integer.MAX_VALUE);
            Process first = child(f);
            Await.until(Duration.ofSeconds(30), "10 pages committed by the child",
                    () -> pagesCommitted(f) >= 10 || !first.isAlive());
            assertThat(first.isAlive()).as("the child is still crawling when killed").isTrue();
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            long committedAtKill = pagesCommitted(f);
            long servedAtKill = f.github.pagesServed.get();
            assertThat(committedAtKill).as("pages committed when killed").isBetween(10L, REPOS * 6L - 1);

            Process second = child(f);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the restarted crawl ends").isTrue();
            assertThat(second.exitValue()).as(java.nio.file.Files.readString(dir.resolve("child.err"))).isZero();

            assertThat(f.starRows()).isEqualTo(referenceStars);
            assertThat(f.userRows()).isEqualTo(referenceUsers);
            long servedAfter = f.github.pagesServed.get() - servedAtKill;
            assertThat(servedAfter).as("the restart fetches only what was not committed")
                    .isEqualTo(REPOS * 6L - committedAtKill);
        }
    }

    private static long pagesCommitted(CrawlFixture f) {
        return f.db.dsl().fetchOne("select count(*) from gh_crawl_page").get(0, Long.class);
    }

    private Process child(CrawlFixture f) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CrawlChild.class.getName(), f.github.url().toString(), f.jdbcUrl(), "kill-test"));
        cmd.addAll(f.github.names());
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve("child.out").toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile())).start();
    }
}
