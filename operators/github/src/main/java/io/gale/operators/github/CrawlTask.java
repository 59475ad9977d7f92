package io.gale.operators.github;

import io.gale.api.Connection;
import io.gale.api.FailTask;
import io.gale.api.TaskContext;
import io.gale.operators.github.store.StarDatabase;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What both operators read from a task's params: the API URL, the credentials (Gale connections
 * whose password is a token), the crawl settings and the database, and how they run a crawl.
 */
final class CrawlTask {

    /** The connection ids used when the param {@code github_conn_ids} is not set (Airflow's GitHub connection). */
    static final List<String> DEFAULT_CONN_IDS = List.of("github_default");

    private CrawlTask() {
    }

    static CrawlSettings settings(TaskContext ctx) {
        String url = ctx.param("github_api_url", String.class);
        CrawlSettings s;
        try {
            s = CrawlSettings.defaults(URI.create(url == null || url.isBlank() ? CrawlSettings.DEFAULT_API_URL : url.strip()));
        } catch (IllegalArgumentException e) {
            throw new FailTask(e.getMessage());
        }
        Integer maxPages = ctx.param("max_pages", Integer.class);
        Integer concurrency = ctx.param("concurrency", Integer.class);
        if (maxPages != null) {
            s = s.withMaxPages(maxPages);
        }
        if (concurrency != null) {
            s = s.withConcurrency(concurrency);
        }
        Integer writers = ctx.param("writers", Integer.class);
        if (writers != null) {
            s = s.withWriters(writers);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static List<Credential> credentials(TaskContext ctx) {
        Object ids = ctx.params().get("github_conn_ids");
        List<String> connIds = ids == null ? DEFAULT_CONN_IDS
                : ids instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(ids).split("\\s*,\\s*"));
        List<Credential> creds = new ArrayList<>();
        for (String id : connIds) {
            if (id.isBlank()) {
                continue;
            }
            Connection c = ctx.connection(id).orElse(null);
            if (c == null || c.password() == null || c.password().isBlank()) {
                ctx.log().info("GitHub connection '{}' is not set (or has no token as its password); not used", id);
                continue;
            }
            creds.add(new Credential(id, c.password()));
        }
        if (creds.isEmpty()) {
            ctx.log().warn("no GitHub token: crawling unauthenticated, at GitHub's limit of 60 requests an hour");
        } else {
            ctx.log().info("GitHub credentials: {}", creds.stream().map(Credential::name).toList());
        }
        return creds;
    }

    /** The database named by the param {@code star_db_conn_id}, by default Gale's own. */
    static StarDatabase database(TaskContext ctx) {
        String connId = ctx.param("star_db_conn_id", String.class);
        if (connId == null || connId.isBlank()) {
            return StarDatabase.gale();
        }
        Connection c = ctx.connection(connId)
                .orElseThrow(() -> new FailTask("star_db_conn_id names connection '" + connId + "', which is not set"));
        return StarDatabase.of(c);
    }

    /** The pass a crawl belongs to: a retry of this task instance continues it, another run starts a new one. */
    static String pass(TaskContext ctx) {
        return ctx.dagId() + "/" + ctx.runId() + "/" + ctx.taskId();
    }

    /** Runs {@code body} with a crawl over the task's database; a 401 fails the task without retries. */
    static <T> T run(TaskContext ctx, Clock clock, Sleeper sleeper, Body<T> body) throws Exception {
        CrawlSettings settings = settings(ctx);
        List<Credential> creds = credentials(ctx);
        try (StarDatabase db = database(ctx)) {
            ctx.log().info("GitHub API {}, writing to {}", settings.apiUrl(), db.description());
            GithubCrawl crawl = new GithubCrawl(settings, creds, db.store(), clock, sleeper, ctx.log());
            try {
                return body.run(crawl);
            } catch (InvalidCredentialException e) {
                throw new FailTask(e.getMessage());
            }
        }
    }

    @FunctionalInterface
    interface Body<T> {
        T run(GithubCrawl crawl) throws Exception;
    }
}
