package io.gale.operators.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.api.TaskLog;
import io.gale.operators.github.store.StarStore;
import io.gale.operators.github.store.StarStore.Page;
import io.gale.operators.github.store.StarStore.Progress;
import io.gale.operators.github.store.StarStore.Status;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A crawl of GitHub: repository metadata (from names or a search) and stargazers, written to a
 * {@link StarStore}. Stargazer pages go through bounded queues to the writers (each repository to
 * one writer, so its pages commit in order): fetching blocks when a writer falls behind, and every
 * page is committed together with its repository's checkpoint,
 * so a crawl stopped anywhere (an error, a kill, a rate-limit wait cut short) resumes at the first
 * page not committed. Requests run on {@code credentials x concurrency} threads.
 */
public final class GithubCrawl {

    /** GitHub's search gives at most this many results per query. */
    public static final int SEARCH_CAP = 1000;
    private static final int PER_PAGE = 100;

    private final CrawlSettings settings;
    private final StarStore store;
    private final TaskLog log;
    private final CrawlReport report = new CrawlReport();
    private final CredentialPool pool;
    private final GithubClient client;

    public GithubCrawl(CrawlSettings settings, List<Credential> credentials, StarStore store, Clock clock, Sleeper sleeper, TaskLog log) {
        this.settings = settings;
        this.store = store;
        this.log = log;
        this.pool = new CredentialPool(credentials.isEmpty() ? List.of(Credential.anonymous()) : credentials,
                settings.concurrency(), clock, sleeper, log, report);
        this.client = new GithubClient(settings, pool, clock, sleeper, log, report);
    }

    /** What this crawl has done so far. */
    public CrawlReport report() {
        return report;
    }

    /** Notes a problem of the input (a malformed list line) in the report and the log. */
    public void problem(String line) {
        report.problem(line);
        log.warn("{}", line);
    }

    private int threads(int work) {
        return Math.max(1, Math.min(work, pool.size() * settings.concurrency()));
    }

    /**
     * Reads and stores the metadata of each repository ({@code GET /repos/{owner}/{repo}},
     * following a rename's redirect, so the id stays). A repository that does not exist is
     * recorded as not found; the others are still read.
     *
     * @return the repositories found, in the order asked
     * @throws InvalidCredentialException at the first 401
     */
    public List<RepoTarget> repositories(List<RepoRef> refs) throws InterruptedException {
        List<RepoTarget> found = Collections.synchronizedList(new ArrayList<>());
        RepoTarget[] byIndex = new RepoTarget[refs.size()];
        runAll(refs.size(), i -> {
            RepoRef ref = refs.get(i);
            GithubClient.Response r;
            try {
                r = client.get(client.api("/repos/" + ref.owner() + "/" + ref.name()), GithubClient.GITHUB_JSON, null, "core");
            } catch (InvalidCredentialException e) {
                throw e;
            } catch (GithubException e) {
                report.failed(ref + ": " + e.getMessage());
                log.error("repository {}: {}", ref, e.getMessage());
                return;
            }
            if (r.status() == 404) {
                report.notFound(ref.fullName());
                log.warn("repository {} not found (404); skipped", ref);
                return;
            }
            if (r.status() / 100 != 2) {
                report.failed(ref + ": HTTP " + r.status());
                log.error("repository {}: HTTP {}; skipped", ref, r.status());
                return;
            }
            StarStore.Repository repo = repository(r.body(), ref.fullName());
            store.upsertRepositories(List.of(repo));
            if (!repo.fullName().equalsIgnoreCase(ref.fullName())) {
                log.info("repository {} is now {} (id {})", ref, repo.fullName(), repo.id());
            }
            byIndex[i] = new RepoTarget(repo.id(), repo.fullName());
        });
        for (RepoTarget t : byIndex) {
            if (t != null && found.stream().noneMatch(f -> f.id() == t.id())) {
                found.add(t);
            }
        }
        log.info("{} of {} repositories found", found.size(), refs.size());
        return List.copyOf(found);
    }

    /**
     * The repositories a search query finds ({@code GET /search/repositories}, the search API's own
     * rate limit), at most {@code limit} and never more than GitHub's {@value #SEARCH_CAP}; their
     * metadata is stored from the search results.
     */
    public List<RepoTarget> search(String query, int limit) throws InterruptedException {
        int cap = Math.min(limit, SEARCH_CAP);
        List<RepoTarget> found = new ArrayList<>();
        URI uri = client.api("/search/repositories?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&per_page=" + PER_PAGE);
        while (uri != null && found.size() < cap) {
            GithubClient.Response r = client.get(uri, GithubClient.GITHUB_JSON, null, "search");
            if (r.status() == 422) {
                break; // beyond the last page GitHub serves
            }
            if (r.status() / 100 != 2) {
                throw new GithubException("search '" + query + "': HTTP " + r.status());
            }
            if (found.isEmpty() && r.body().path("total_count").asLong() > SEARCH_CAP) {
                log.info("search '{}' matches {} repositories; GitHub gives the first {}", query, r.body().path("total_count").asLong(), SEARCH_CAP);
            }
            List<StarStore.Repository> repos = new ArrayList<>();
            for (JsonNode item : r.body().path("items")) {
                if (found.size() + repos.size() >= cap) {
                    break;
                }
                repos.add(repository(item, "search result"));
            }
            store.upsertRepositories(repos);
            repos.forEach(repo -> found.add(new RepoTarget(repo.id(), repo.fullName())));
            uri = r.next();
        }
        log.info("search '{}': {} repositories", query, found.size());
        return found;
    }

    /**
     * Crawls the stargazers of each repository, resuming a repository at its first uncommitted
     * page when {@code pass} is the pass its checkpoint names, and otherwise starting again at page 1
     * with {@code If-None-Match} for every page fetched before (a 304 changes nothing and does not
     * count against the rate limit).
     *
     * @param pass names this pass: a retry of the same task passes the same value
     * @throws GithubException after the whole crawl, naming the repositories that failed (their
     *     checkpoints let a retry resume them)
     * @throws InvalidCredentialException at once on a 401
     */
    public CrawlReport stargazers(List<RepoTarget> repos, String pass) throws InterruptedException {
        int writerCount = settings.writers();
        List<BlockingQueue<Item>> queues = new ArrayList<>();
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < writerCount; w++) {
            BlockingQueue<Item> queue = new ArrayBlockingQueue<>(settings.queuePages());
            queues.add(queue);
            Thread writer = new Thread(() -> {
                try {
                    write(queue, pass);
                } catch (Throwable t) {
                    writeFailure.compareAndSet(null, t);
                }
            }, "github-writer-" + w);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        RuntimeException fetchFailure = null;
        try {
            runAll(repos.size(), i -> {
                RepoTarget repo = repos.get(i);
                try {
                    crawl(repo, pass, queues.get((int) Math.floorMod(repo.id(), (long) writerCount)), writeFailure);
                    report.repositories.incrementAndGet();
                } catch (InvalidCredentialException | WriterFailed e) {
                    throw e;
                } catch (GithubException e) {
                    failed.add(repo.fullName());
                    report.failed(repo.fullName() + ": " + e.getMessage());
                    log.error("repository {}: {}", repo.fullName(), e.getMessage());
                }
            });
        } catch (InterruptedException e) {
            writers.forEach(Thread::interrupt); // stopped: what is still queued is fetched again next time
            throw e;
        } catch (RuntimeException e) {
            fetchFailure = e; // the writers still commit what was fetched
        }
        try {
            for (BlockingQueue<Item> queue : queues) {
                put(queue, Item.END, writeFailure);
            }
        } catch (WriterFailed e) {
            writers.forEach(Thread::interrupt);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        if (writeFailure.get() != null) {
            throw new IllegalStateException("writing stars failed: " + writeFailure.get().getMessage(), writeFailure.get());
        }
        if (fetchFailure != null) {
            throw fetchFailure;
        }
        log.info("stargazers: {}", report.toMap());
        if (!failed.isEmpty()) {
            throw new GithubException(failed.size() + " of " + repos.size() + " repositories failed (" + String.join(", ", failed.subList(0, Math.min(5, failed.size())))
                    + (failed.size() > 5 ? ", ..." : "") + "); a retry resumes them at their first unfinished page");
        }
        return report;
    }

    /** A page (or a repository's end) on its way to the writer. */
    private record Item(Page page, Progress progress) {
        static final Item END = new Item(null, null);
    }

    /** The writer has failed: fetching stops. */
    private static final class WriterFailed extends RuntimeException {
        WriterFailed() {
            super("the writer failed", null, false, false);
        }
    }

    private void crawl(RepoTarget repo, String pass, BlockingQueue<Item> queue, AtomicReference<Throwable> writeFailure)
            throws InterruptedException {
        var checkpoint = store.checkpoint(repo.id());
        if (checkpoint.isPresent() && checkpoint.get().pass().equals(pass) && checkpoint.get().status() != Status.IN_PROGRESS) {
            log.info("repository {}: already crawled in this pass ({})", repo.fullName(), checkpoint.get().status().name().toLowerCase());
            return;
        }
        int page = checkpoint.isPresent() && checkpoint.get().pass().equals(pass) ? checkpoint.get().nextPage() : 1;
        if (page > 1) {
            log.info("repository {}: resuming at page {}", repo.fullName(), page);
        }
        Map<Integer, StarStore.PageMark> marks = store.pages(repo.id());
        URI uri = stargazersPage(repo, page);
        while (true) {
            if (page > settings.maxPages()) {
                put(queue, new Item(null, new Progress(repo.id(), page, Status.TRUNCATED)), writeFailure);
                report.truncated(repo.fullName());
                log.info("repository {}: stopped at the page cap ({} pages)", repo.fullName(), settings.maxPages());
                return;
            }
            StarStore.PageMark mark = marks.get(page);
            GithubClient.Response r = client.get(uri, GithubClient.STAR_JSON, mark == null ? null : mark.etag(), "core");
            boolean hasNext;
            if (r.status() == 304) {
                report.notModified.incrementAndGet();
                hasNext = mark.hasNext();
                put(queue, new Item(new Page(repo.id(), page, null, mark.etag(), hasNext),
                        new Progress(repo.id(), page + 1, hasNext ? Status.IN_PROGRESS : Status.COMPLETE)), writeFailure);
                uri = stargazersPage(repo, page + 1);
            } else if (r.status() == 200) {
                report.pagesFetched.incrementAndGet();
                hasNext = r.next() != null;
                put(queue, new Item(new Page(repo.id(), page, stars(r), r.etag(), hasNext),
                        new Progress(repo.id(), page + 1, hasNext ? Status.IN_PROGRESS : Status.COMPLETE)), writeFailure);
                uri = r.next();
            } else if (r.status() == 422) {
                put(queue, new Item(null, new Progress(repo.id(), page, Status.TRUNCATED)), writeFailure);
                report.truncated(repo.fullName());
                log.info("repository {}: GitHub serves no page {} (422); truncated there", repo.fullName(), page);
                return;
            } else if (r.status() == 404) {
                report.notFound(repo.fullName());
                log.warn("repository {}: stargazers not found (404); skipped", repo.fullName());
                return;
            } else {
                throw new GithubException("GET " + GithubClient.shown(r.uri()) + ": HTTP " + r.status());
            }
            if (!hasNext) {
                return;
            }
            page++;
        }
    }

    private URI stargazersPage(RepoTarget repo, int page) {
        return client.api("/repos/" + repo.fullName() + "/stargazers?per_page=" + PER_PAGE + "&page=" + page);
    }

    private static List<StarStore.Star> stars(GithubClient.Response r) {
        if (!r.body().isArray()) {
            throw new GithubException("GET " + GithubClient.shown(r.uri()) + ": the response is not a list of stargazers");
        }
        List<StarStore.Star> stars = new ArrayList<>(r.body().size());
        for (JsonNode n : r.body()) {
            JsonNode user = n.has("user") ? n.get("user") : n;
            if (!user.path("id").canConvertToLong() || !user.path("login").isTextual()) {
                throw new GithubException("GET " + GithubClient.shown(r.uri()) + ": a stargazer without id or login");
            }
            stars.add(new StarStore.Star(user.get("id").asLong(), user.get("login").asText(), instant(n.get("starred_at"))));
        }
        return stars;
    }

    private static StarStore.Repository repository(JsonNode n, String what) {
        if (n == null || !n.path("id").canConvertToLong() || !n.path("full_name").isTextual()) {
            throw new GithubException(what + ": not a repository (no id or full_name)");
        }
        List<String> topics = new ArrayList<>();
        n.path("topics").forEach(t -> topics.add(t.asText()));
        return new StarStore.Repository(n.get("id").asLong(), n.get("full_name").asText(), n.path("stargazers_count").asInt(),
                n.path("language").isTextual() ? n.get("language").asText() : null, topics, instant(n.get("updated_at")));
    }

    private static Instant instant(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void put(BlockingQueue<Item> queue, Item item, AtomicReference<Throwable> writeFailure) throws InterruptedException {
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            if (writeFailure.get() != null) {
                throw new WriterFailed();
            }
        }
    }

    /** The writer: commits up to {@code batchPages} queued items per transaction, in queue order. */
    private void write(BlockingQueue<Item> queue, String pass) throws InterruptedException {
        List<Item> batch = new ArrayList<>(settings.batchPages());
        while (true) {
            batch.clear();
            batch.add(queue.take());
            queue.drainTo(batch, settings.batchPages() - 1);
            int end = batch.indexOf(Item.END);
            List<Item> work = end < 0 ? batch : batch.subList(0, end);
            if (!work.isEmpty()) {
                List<Page> pages = new ArrayList<>(work.size());
                List<Progress> progress = new ArrayList<>(work.size());
                for (Item it : work) {
                    if (it.page() != null) {
                        pages.add(it.page());
                    }
                    progress.add(it.progress());
                }
                StarStore.Written w = store.commit(pass, pages, progress);
                report.pagesCommitted.addAndGet(pages.stream().filter(p -> p.stars() != null).count());
                report.usersInserted.addAndGet(w.usersInserted());
                report.usersUpdated.addAndGet(w.usersUpdated());
                report.starsInserted.addAndGet(w.starsInserted());
                report.starsUpdated.addAndGet(w.starsUpdated());
            }
            if (end >= 0) {
                return;
            }
        }
    }

    /** Work that may be retried per item; an unchecked exception of one item ends them all. */
    @FunctionalInterface
    private interface IndexedWork {
        void run(int index) throws InterruptedException;
    }

    /** Runs {@code work} for 0..n-1 on the crawl's threads; the first exception stops the rest and is thrown. */
    private void runAll(int n, IndexedWork work) throws InterruptedException {
        if (n == 0) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        int threads = threads(n);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "github-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        work.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
