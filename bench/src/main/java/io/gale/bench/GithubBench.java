package io.gale.bench;

import io.gale.api.TaskLog;
import io.gale.config.GaleConfig;
import io.gale.operators.github.CrawlReport;
import io.gale.operators.github.CrawlSettings;
import io.gale.operators.github.Credential;
import io.gale.operators.github.FakeGithub;
import io.gale.operators.github.GithubCrawl;
import io.gale.operators.github.RepoTarget;
import io.gale.operators.github.Sleeper;
import io.gale.operators.github.store.JooqStarStore;
import io.gale.operators.github.store.StarStore;
import io.gale.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GitHub crawler against the fake GitHub API, end to end into the embedded PostgreSQL (fsync on).
 *
 * <pre>
 * bench/run github throughput [--repos 200] [--stars 1000] [--concurrency 4] [--writers 1] [--rounds 3]
 * bench/run github limits [--window-seconds 60] [--limit 100] [--pages 600]
 * </pre>
 *
 * {@code throughput}: no rate limit; pages/s and stars/s of the stargazer crawl (target 200 pages/s,
 * 20,000 stars/s on 2 cores), every round on empty tables, after a warm-up round that is not
 * counted. {@code limits}: two tokens with {@code limit} requests per window each; how many windows 600 pages take, and the most requests any
 * token spent in a window (never more than its budget).
 */
public final class GithubBench {

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        Path home = Files.createTempDirectory("gale-github-bench");
        try (Database db = Database.open(GaleConfig.from(Map.of("GALE_HOME", home.toString())))) {
            StarStore store = new JooqStarStore(db.dsl());
            if (mode.equals("limits")) {
                limits(db, store, o);
            } else {
                throughput(db, store, o);
            }
        }
    }

    private static void throughput(Database db, StarStore initial, Map<String, String> o) throws Exception {
        StarStore store = initial;
        int repos = Integer.parseInt(o.getOrDefault("--repos", "200"));
        int stars = Integer.parseInt(o.getOrDefault("--stars", "1000"));
        int concurrency = Integer.parseInt(o.getOrDefault("--concurrency", "4"));
        int writers = Integer.parseInt(o.getOrDefault("--writers", "1"));
        int rounds = Integer.parseInt(o.getOrDefault("--rounds", "3"));
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("github throughput: %d repositories x %d stars (%d pages of 100), 1 credential, %d requests in flight, %d writer(s), %s, load average %.1f%n",
                repos, stars, repos * ((stars + 99) / 100), concurrency, writers, BenchSupport.machine(), load);
        try (FakeGithub fake = new FakeGithub(Clock.systemUTC()).repos(repos, stars).anonymousLimit(Integer.MAX_VALUE)) {
            List<Double> pagesPerSecond = new ArrayList<>();
            List<Double> starsPerSecond = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) { // round 0 warms the JIT up and is not counted
                db.dsl().execute("truncate gh_star, gh_user, gh_crawl_page, gh_crawl_checkpoint, gh_repository");
                store = new JooqStarStore(db.dsl()); // a store remembers the users it wrote: not across a truncate
                CrawlSettings settings = CrawlSettings.defaults(fake.url()).withMaxPages(400).withConcurrency(concurrency).withWriters(writers);
                GithubCrawl crawl = new GithubCrawl(settings, List.of(), store, Clock.systemUTC(), Sleeper.real(Clock.systemUTC()), QUIET);
                List<RepoTarget> targets = crawl.repositories(fake.names().stream().map(io.gale.operators.github.RepoRef::parse).toList());
                long t0 = System.nanoTime();
                CrawlReport r = crawl.stargazers(targets, "bench-" + round);
                double secs = (System.nanoTime() - t0) / 1e9;
                long rows = db.dsl().fetchOne("select count(*) from gh_star").get(0, Long.class);
                if (round > 0) {
                    pagesPerSecond.add(r.pagesCommitted() / secs);
                    starsPerSecond.add(r.starsInserted() / secs);
                }
                System.out.printf("  " + (round == 0 ? "warm-up" : "round " + round) + ": %d pages, %d stars (%d rows in gh_star) in %.2f s = %.0f pages/s, %.0f stars/s%n",
                        r.pagesCommitted(), r.starsInserted(), rows, secs, r.pagesCommitted() / secs, r.starsInserted() / secs);
            }
            System.out.printf("  median %.0f pages/s, %.0f stars/s (target 200 pages/s: %.2fx)%n",
                    median(pagesPerSecond), median(starsPerSecond), median(pagesPerSecond) / 200);
        }
    }

    private static void limits(Database db, StarStore store, Map<String, String> o) throws Exception {
        int windowSeconds = Integer.parseInt(o.getOrDefault("--window-seconds", "60"));
        int limit = Integer.parseInt(o.getOrDefault("--limit", "100"));
        int pages = Integer.parseInt(o.getOrDefault("--pages", "600"));
        int repos = pages / 10;
        System.out.printf("github limits: %d pages (%d repositories x 10), 2 tokens x %d requests per %d s window, %s%n",
                pages, repos, limit, windowSeconds, BenchSupport.machine());
        try (FakeGithub fake = new FakeGithub(Clock.systemUTC()).repos(repos, 1000).allowAnonymous(false)
                .token("bench-token-a", "a").token("bench-token-b", "b").limit(limit, Duration.ofSeconds(windowSeconds))) {
            List<RepoTarget> targets = new ArrayList<>();
            List<StarStore.Repository> meta = new ArrayList<>();
            for (int i = 0; i < repos; i++) {
                String name = fake.names().get(i);
                meta.add(new StarStore.Repository(1000 + i, name, 1000, "Java", List.of(), Instant.now()));
                targets.add(new RepoTarget(1000 + i, name));
            }
            store.upsertRepositories(meta); // metadata stored beforehand: every request below is a stargazer page
            List<String> lines = new ArrayList<>();
            TaskLog log = new TaskLog() {
                @Override
                public void info(String message, Object... args) {
                    String line = org.slf4j.helpers.MessageFormatter.arrayFormat(message, args).getMessage();
                    if (line.startsWith("rate limit")) {
                        System.out.println("    " + line);
                    }
                }

                @Override
                public void warn(String message, Object... args) {
                    info(message, args);
                }

                @Override
                public void error(String message, Object... args) {
                    info(message, args);
                }

                @Override
                public void line(String line) {
                }
            };
            GithubCrawl crawl = new GithubCrawl(CrawlSettings.defaults(fake.url()), List.of(
                    new Credential("github_a", "bench-token-a"), new Credential("github_b", "bench-token-b")),
                    store, Clock.systemUTC(), Sleeper.real(Clock.systemUTC()), log);
            long startWindow = Instant.now().getEpochSecond() / windowSeconds;
            long t0 = System.nanoTime();
            CrawlReport r = crawl.stargazers(targets, "limits");
            double secs = (System.nanoTime() - t0) / 1e9;
            long windows = Instant.now().getEpochSecond() / windowSeconds - startWindow + 1;
            System.out.printf("  %d pages in %.1f s, %d windows of %d s (the first partly used), most requests by one token in a window %d of %d, 403s for a spent budget %d, waits %d%n",
                    r.pagesCommitted(), secs, windows, windowSeconds, fake.maxUsedInWindow.get(), limit, fake.overLimit.get(),
                    r.waits(CrawlReport.WaitReason.PRIMARY_LIMIT));
            System.out.printf("  stars %d (gh_star rows %d)%n", r.starsInserted(), db.dsl().fetchOne("select count(*) from gh_star").get(0, Long.class));
        }
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static final TaskLog QUIET = new TaskLog() {
        @Override
        public void info(String message, Object... args) {
        }

        @Override
        public void warn(String message, Object... args) {
            System.out.println("    " + org.slf4j.helpers.MessageFormatter.arrayFormat(message, args).getMessage());
        }

        @Override
        public void error(String message, Object... args) {
            warn(message, args);
        }

        @Override
        public void line(String line) {
        }
    };
}
