package io.gale.operators.github;

import io.gale.api.TaskLog;
import io.gale.operators.github.store.StarDatabase;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * A crawl in a process of its own, for the kill test: {@code API_URL JDBC_URL PASS OWNER/NAME...};
 * exits 0 when every repository is crawled.
 */
public final class CrawlChild {

    private CrawlChild() {
    }

    public static void main(String[] args) throws Exception {
        TaskLog log = new TaskLog() {
            @Override
            public void info(String message, Object... args) {
            }

            @Override
            public void warn(String message, Object... args) {
            }

            @Override
            public void error(String message, Object... args) {
                System.err.println(org.slf4j.helpers.MessageFormatter.arrayFormat(message, args).getMessage());
            }

            @Override
            public void line(String line) {
            }
        };
        try (StarDatabase db = StarDatabase.jdbc(args[1], "postgres", null, "test database")) {
            GithubCrawl crawl = new GithubCrawl(CrawlSettings.defaults(URI.create(args[0])).withQueue(8, 4), List.of(),
                    db.store(), Clock.systemUTC(), Sleeper.real(Clock.systemUTC()), log);
            List<RepoRef> refs = Arrays.stream(args, 3, args.length).map(RepoRef::parse).toList();
            crawl.stargazers(crawl.repositories(refs), args[2]);
        }
        System.exit(0);
    }
}
