package io.gale.operators.github.store;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep5;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** {@link StarStore} on PostgreSQL with jOOQ over the tables of migration V8. */
public final class JooqStarStore implements StarStore {

    static final Table<Record> REPOSITORY = table(name("gh_repository"));
    static final Field<Long> REPOSITORY_ID = field(name("gh_repository", "id"), SQLDataType.BIGINT);
    static final Field<String> REPOSITORY_FULL_NAME = field(name("gh_repository", "full_name"), SQLDataType.CLOB);
    static final Field<Integer> REPOSITORY_STARS = field(name("gh_repository", "stars"), SQLDataType.INTEGER);
    static final Field<String> REPOSITORY_LANGUAGE = field(name("gh_repository", "language"), SQLDataType.CLOB);
    static final Field<String[]> REPOSITORY_TOPICS = field(name("gh_repository", "topics"), SQLDataType.CLOB.array());
    static final Field<Instant> REPOSITORY_UPDATED_AT = field(name("gh_repository", "updated_at"), SQLDataType.INSTANT);
    static final Field<Instant> REPOSITORY_FETCHED_AT = field(name("gh_repository", "fetched_at"), SQLDataType.INSTANT);

    static final Table<Record> USER = table(name("gh_user"));
    static final Field<Long> USER_ID = field(name("gh_user", "id"), SQLDataType.BIGINT);
    static final Field<String> USER_LOGIN = field(name("gh_user", "login"), SQLDataType.CLOB);

    static final Table<Record> STAR = table(name("gh_star"));
    static final Field<Long> STAR_REPO_ID = field(name("gh_star", "repo_id"), SQLDataType.BIGINT);
    static final Field<Long> STAR_USER_ID = field(name("gh_star", "user_id"), SQLDataType.BIGINT);
    static final Field<Instant> STAR_STARRED_AT = field(name("gh_star", "starred_at"), SQLDataType.INSTANT);

    static final Table<Record> CHECKPOINT = table(name("gh_crawl_checkpoint"));
    static final Field<Long> CHECKPOINT_REPO_ID = field(name("gh_crawl_checkpoint", "repo_id"), SQLDataType.BIGINT);
    static final Field<String> CHECKPOINT_PASS = field(name("gh_crawl_checkpoint", "crawl_pass"), SQLDataType.CLOB);
    static final Field<Integer> CHECKPOINT_NEXT_PAGE = field(name("gh_crawl_checkpoint", "next_page"), SQLDataType.INTEGER);
    static final Field<String> CHECKPOINT_STATUS = field(name("gh_crawl_checkpoint", "status"), SQLDataType.CLOB);
    static final Field<Instant> CHECKPOINT_UPDATED_AT = field(name("gh_crawl_checkpoint", "updated_at"), SQLDataType.INSTANT);

    static final Table<Record> PAGE = table(name("gh_crawl_page"));
    static final Field<Long> PAGE_REPO_ID = field(name("gh_crawl_page", "repo_id"), SQLDataType.BIGINT);
    static final Field<Integer> PAGE_PAGE = field(name("gh_crawl_page", "page"), SQLDataType.INTEGER);
    static final Field<String> PAGE_ETAG = field(name("gh_crawl_page", "etag"), SQLDataType.CLOB);
    static final Field<Boolean> PAGE_HAS_NEXT = field(name("gh_crawl_page", "has_next"), SQLDataType.BOOLEAN);

    /*
     * The two hot statements bind one array per column (unnest) instead of three parameters per
     * row: a batch of 16 pages is 1,600 stars, and rendering and binding 4,800 parameters took
     * longer than PostgreSQL's work. A login or starred_at that did not change is not rewritten.
     */
    private static final String INSERT_USERS = """
            insert into gh_user (id, login) select * from unnest({0}::bigint[], {1}::text[])
            on conflict (id) do nothing""";
    /* A login that changed; unchanged users are neither written nor locked, so concurrent writers
     * never wait on each other's users (their stars' foreign-key checks would otherwise deadlock). */
    private static final String UPDATE_LOGINS = """
            update gh_user set login = x.login from unnest({0}::bigint[], {1}::text[]) as x(id, login)
            where gh_user.id = x.id and gh_user.login <> x.login""";
    private static final String UPSERT_STARS = """
            insert into gh_star (repo_id, user_id, starred_at)
            select r, u, t::timestamptz from unnest({0}::bigint[], {1}::bigint[], {2}::text[]) as x(r, u, t)
            on conflict (repo_id, user_id) do update set starred_at = excluded.starred_at
            where gh_star.starred_at is distinct from excluded.starred_at
            returning (xmax = 0)""";

    /** PostgreSQL's way to tell an inserted row (true) from an updated one in {@code RETURNING}. */
    private static final Field<Boolean> INSERTED = field("(xmax = 0)", SQLDataType.BOOLEAN);

    /** Users, with their login, that a commit of this store has written: most stargazers star many repositories. */
    private static final int KNOWN_USERS_MAX = 1_000_000;

    private final DSLContext dsl;
    private final Map<Long, String> knownUsers = new java.util.concurrent.ConcurrentHashMap<>();

    public JooqStarStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public int upsertRepositories(List<Repository> repositories) {
        if (repositories.isEmpty()) {
            return 0;
        }
        Map<Long, Repository> unique = new LinkedHashMap<>();
        repositories.forEach(r -> unique.put(r.id(), r));
        Instant now = Instant.now();
        var insert = dsl.insertInto(REPOSITORY, REPOSITORY_ID, REPOSITORY_FULL_NAME, REPOSITORY_STARS, REPOSITORY_LANGUAGE,
                REPOSITORY_TOPICS, REPOSITORY_UPDATED_AT, REPOSITORY_FETCHED_AT);
        for (Repository r : unique.values()) {
            insert = insert.values(r.id(), r.fullName(), r.stars(), r.language(), r.topics().toArray(String[]::new), r.updatedAt(), now);
        }
        return (int) insert.onConflict(REPOSITORY_ID).doUpdate()
                .set(REPOSITORY_FULL_NAME, excluded(REPOSITORY_FULL_NAME))
                .set(REPOSITORY_STARS, excluded(REPOSITORY_STARS))
                .set(REPOSITORY_LANGUAGE, excluded(REPOSITORY_LANGUAGE))
                .set(REPOSITORY_TOPICS, excluded(REPOSITORY_TOPICS))
                .set(REPOSITORY_UPDATED_AT, excluded(REPOSITORY_UPDATED_AT))
                .set(REPOSITORY_FETCHED_AT, excluded(REPOSITORY_FETCHED_AT))
                .returningResult(INSERTED).fetch().stream().filter(r -> Boolean.TRUE.equals(r.value1())).count();
    }

    @Override
    public Optional<Repository> repository(long id) {
        return dsl.select(REPOSITORY_ID, REPOSITORY_FULL_NAME, REPOSITORY_STARS, REPOSITORY_LANGUAGE, REPOSITORY_TOPICS, REPOSITORY_UPDATED_AT)
                .from(REPOSITORY).where(REPOSITORY_ID.eq(id))
                .fetchOptional(r -> new Repository(r.value1(), r.value2(), r.value3(), r.value4(),
                        r.value5() == null ? List.of() : Arrays.asList(r.value5()), r.value6()));
    }

    @Override
    public Optional<Checkpoint> checkpoint(long repoId) {
        return dsl.select(CHECKPOINT_REPO_ID, CHECKPOINT_PASS, CHECKPOINT_NEXT_PAGE, CHECKPOINT_STATUS)
                .from(CHECKPOINT).where(CHECKPOINT_REPO_ID.eq(repoId))
                .fetchOptional(r -> new Checkpoint(r.value1(), r.value2(), r.value3(), Status.of(r.value4())));
    }

    @Override
    public Map<Integer, PageMark> pages(long repoId) {
        Map<Integer, PageMark> pages = new HashMap<>();
        dsl.select(PAGE_PAGE, PAGE_ETAG, PAGE_HAS_NEXT).from(PAGE).where(PAGE_REPO_ID.eq(repoId))
                .forEach(r -> pages.put(r.value1(), new PageMark(r.value2(), r.value3())));
        return pages;
    }

    @Override
    public Written commit(String pass, List<Page> pages, List<Progress> progress) {
        Map<Long, String> users = new java.util.TreeMap<>(); // by id: concurrent commits lock users in one order
        Map<Long, Map<Long, Instant>> stars = new LinkedHashMap<>();
        Map<Long, Page> marks = new LinkedHashMap<>();
        for (Page p : pages) {
            if (p.stars() != null) {
                for (Star s : p.stars()) {
                    if (!s.login().equals(knownUsers.get(s.userId()))) {
                        users.put(s.userId(), s.login());
                    }
                    stars.computeIfAbsent(p.repoId(), k -> new LinkedHashMap<>()).put(s.userId(), s.starredAt());
                }
            }
            marks.put(((long) p.page() << 40) ^ p.repoId(), p);
        }
        Map<Long, Progress> checkpoints = new LinkedHashMap<>();
        progress.forEach(c -> checkpoints.put(c.repoId(), c));
        Instant now = Instant.now();
        Written written = dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            long[] u = {0, 0};
            long[] s = {0, 0};
            if (!users.isEmpty()) {
                Long[] ids = users.keySet().toArray(Long[]::new);
                String[] logins = users.values().toArray(String[]::new);
                u[0] = tx.execute(INSERT_USERS, ids, logins);
                u[1] = tx.execute(UPDATE_LOGINS, ids, logins);
            }
            if (!stars.isEmpty()) {
                int n = stars.values().stream().mapToInt(Map::size).sum();
                Long[] repoIds = new Long[n];
                Long[] userIds = new Long[n];
                String[] starredAt = new String[n];
                int i = 0;
                for (var repo : stars.entrySet()) {
                    for (var star : repo.getValue().entrySet()) {
                        repoIds[i] = repo.getKey();
                        userIds[i] = star.getKey();
                        starredAt[i++] = star.getValue() == null ? null : star.getValue().toString();
                    }
                }
                count(tx.resultQuery(UPSERT_STARS, repoIds, userIds, starredAt).fetch(0, Boolean.class), s);
            }
            List<Page> fetched = marks.values().stream().filter(p -> p.stars() != null).toList();
            if (!fetched.isEmpty()) {
                var insert = tx.insertInto(PAGE, PAGE_REPO_ID, PAGE_PAGE, PAGE_ETAG, PAGE_HAS_NEXT);
                for (Page p : fetched) {
                    insert = insert.values(p.repoId(), p.page(), p.etag(), p.hasNext());
                }
                insert.onConflict(PAGE_REPO_ID, PAGE_PAGE).doUpdate()
                        .set(PAGE_ETAG, excluded(PAGE_ETAG))
                        .set(PAGE_HAS_NEXT, excluded(PAGE_HAS_NEXT))
                        .execute();
            }
            if (!checkpoints.isEmpty()) {
                InsertValuesStep5<Record, Long, String, Integer, String, Instant> insert =
                        tx.insertInto(CHECKPOINT, CHECKPOINT_REPO_ID, CHECKPOINT_PASS, CHECKPOINT_NEXT_PAGE, CHECKPOINT_STATUS, CHECKPOINT_UPDATED_AT);
                for (Progress c : checkpoints.values()) {
                    insert = insert.values(c.repoId(), pass, c.nextPage(), c.status().id(), now);
                }
                insert.onConflict(CHECKPOINT_REPO_ID).doUpdate()
                        .set(CHECKPOINT_PASS, excluded(CHECKPOINT_PASS))
                        .set(CHECKPOINT_NEXT_PAGE, excluded(CHECKPOINT_NEXT_PAGE))
                        .set(CHECKPOINT_STATUS, excluded(CHECKPOINT_STATUS))
                        .set(CHECKPOINT_UPDATED_AT, excluded(CHECKPOINT_UPDATED_AT))
                        .execute();
            }
            return new Written(u[0], u[1], s[0], s[1]);
        });
        if (knownUsers.size() < KNOWN_USERS_MAX) {
            knownUsers.putAll(users); // committed: later pages need not write these users again
        }
        return written;
    }

    @Override
    public StarPairs stars() {
        List<Record2<Long, Long>> rows = new ArrayList<>();
        try (var cursor = dsl.select(STAR_USER_ID, STAR_REPO_ID).from(STAR).orderBy(STAR_REPO_ID, STAR_USER_ID).fetchLazy()) {
            cursor.forEach(rows::add);
        }
        long[] users = new long[rows.size()];
        long[] repos = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            users[i] = rows.get(i).value1();
            repos[i] = rows.get(i).value2();
        }
        return new StarPairs(users, repos);
    }

    private static void count(List<Boolean> inserted, long[] counts) {
        for (Boolean b : inserted) {
            counts[Boolean.TRUE.equals(b) ? 0 : 1]++;
        }
    }
}
