package io.gale.operators.github;

import io.gale.api.TaskLog;
import io.gale.operators.github.store.JooqStarStore;
import io.gale.operators.github.store.StarStore;
import io.gale.store.Database;
import io.gale.testing.MutableClock;
import io.gale.testing.TestDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.helpers.MessageFormatter;

/** A fresh database, a fake GitHub on a settable clock, and a crawl whose waits move that clock. */
final class CrawlFixture implements AutoCloseable {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final Database db = TestDatabase.fresh();
    final StarStore store = new JooqStarStore(db.dsl());
    final FakeGithub github;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final TaskLog log = new TaskLog() {
        @Override
        public void info(String message, Object... args) {
            lines.add("INFO " + MessageFormatter.arrayFormat(message, args).getMessage());
        }

        @Override
        public void warn(String message, Object... args) {
            lines.add("WARN " + MessageFormatter.arrayFormat(message, args).getMessage());
        }

        @Override
        public void error(String message, Object... args) {
            lines.add("ERROR " + MessageFormatter.arrayFormat(message, args).getMessage());
        }

        @Override
        public void line(String line) {
            lines.add(line);
        }
    };
    /** Waits move the clock (never backwards) instead of sleeping. */
    final Sleeper sleeper = until -> {
        synchronized (clock) {
            if (until.isAfter(clock.instant())) {
                clock.set(until);
            }
        }
    };

    CrawlFixture() throws IOException {
        github = new FakeGithub(clock);
    }

    /** The JDBC URL of the fixture's database (user postgres, no password). */
    String jdbcUrl() {
        return db.description().replaceFirst("^PostgreSQL at ", "");
    }

    CrawlSettings settings() {
        return CrawlSettings.defaults(github.url());
    }

    GithubCrawl crawl(CrawlSettings settings, Credential... credentials) {
        return new GithubCrawl(settings, List.of(credentials), store, clock, sleeper, log);
    }

    /** Metadata and stargazers of {@code names}, in one pass. */
    CrawlReport crawlAll(GithubCrawl crawl, String pass, String... names) throws InterruptedException {
        List<RepoRef> refs = java.util.Arrays.stream(names).map(RepoRef::parse).toList();
        return crawl.stargazers(crawl.repositories(refs), pass);
    }

    /** Every gh_star row as {@code repo,user,starred_at}. */
    Set<String> starRows() {
        Set<String> rows = new TreeSet<>();
        db.dsl().fetch("select repo_id, user_id, starred_at from gh_star")
                .forEach(r -> rows.add(r.get(0) + "," + r.get(1) + "," + r.get(2, java.time.OffsetDateTime.class).toInstant()));
        return rows;
    }

    Set<String> userRows() {
        Set<String> rows = new TreeSet<>();
        db.dsl().fetch("select id, login from gh_user").forEach(r -> rows.add(r.get(0) + "," + r.get(1)));
        return rows;
    }

    /** What the fake's data says repository {@code repoId} with {@code stars} stargazers should store, up to {@code pages}. */
    static Set<String> expectedStars(long repoId, int stars, int pages) {
        Set<String> rows = new TreeSet<>();
        for (int k = 0; k < Math.min(stars, pages * 100); k++) {
            rows.add(repoId + "," + FakeGithub.userOf(repoId, k) + "," + FakeGithub.starredAt(repoId, k));
        }
        return rows;
    }

    String log() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        github.close();
        db.close();
    }
}
