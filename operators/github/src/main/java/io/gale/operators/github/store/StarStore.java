package io.gale.operators.github.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a crawl keeps what it found ({@code gh_repository}, {@code gh_user}, {@code gh_star}) and
 * how far it got ({@code gh_crawl_checkpoint}, {@code gh_crawl_page}). Every write is an upsert: a
 * re-crawl duplicates nothing, and a repository keeps its GitHub id whatever its name becomes.
 */
public interface StarStore {

    /** A repository's metadata ({@code GET /repos/{owner}/{repo}}). */
    record Repository(long id, String fullName, int stars, String language, List<String> topics, Instant updatedAt) {
        public Repository {
            topics = topics == null ? List.of() : List.copyOf(topics);
        }
    }

    /** One stargazer of a repository. */
    record Star(long userId, String login, Instant starredAt) {
    }

    /** Where a crawl pass over a repository stands. */
    enum Status {
        IN_PROGRESS, COMPLETE, TRUNCATED;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * The checkpoint of a repository.
     *
     * @param pass the crawl pass that wrote it (a retry of the same pass resumes at {@code nextPage})
     * @param nextPage the first page not committed yet
     */
    record Checkpoint(long repoId, String pass, int nextPage, Status status) {
    }

    /** What is known of a stargazer page from an earlier fetch: its ETag and whether a next page followed. */
    record PageMark(String etag, boolean hasNext) {
    }

    /**
     * A fetched page to commit, or (with {@code stars} null) a 304: its rows are already stored.
     *
     * @param page the page number (1 for the first)
     */
    record Page(long repoId, int page, List<Star> stars, String etag, boolean hasNext) {
    }

    /** A checkpoint to write with a batch of pages. */
    record Progress(long repoId, int nextPage, Status status) {
    }

    /** Rows a commit inserted, and rows it changed (an unchanged row counts in neither). */
    record Written(long usersInserted, long usersUpdated, long starsInserted, long starsUpdated) {
    }

    /** Who starred what: {@code userIds[i]} starred {@code repoIds[i]}. */
    record StarPairs(long[] userIds, long[] repoIds) {
        public int size() {
            return userIds.length;
        }
    }

    /** Inserts or updates repositories by id; returns how many rows were new. */
    int upsertRepositories(List<Repository> repositories);

    Optional<Repository> repository(long id);

    Optional<Checkpoint> checkpoint(long repoId);

    /** The ETag and next-page flag of every page of the repository fetched before, by page number. */
    Map<Integer, PageMark> pages(long repoId);

    /**
     * In one transaction: the users and stars of the pages, their ETags, and the checkpoints: a
     * page is either committed with its checkpoint or not at all.
     */
    Written commit(String pass, List<Page> pages, List<Progress> progress);

    /** Every star. */
    StarPairs stars();
}
