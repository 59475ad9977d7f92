package io.gale.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gale.config.GaleConfig;
import io.gale.core.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The connection to Gale's PostgreSQL metadata database: the embedded server under
 * {@code $GALE_HOME/postgres} by default, or the server {@code GALE_DATABASE_URL} names. Opening
 * it applies pending migrations.
 */
public final class Database implements AutoCloseable {

    static final int MIN_POOL = 8;

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final String description;
    private final EmbeddedServer embedded;
    private int migrationsApplied;

    private Database(HikariDataSource dataSource, String description, EmbeddedServer embedded) {
        this.dataSource = dataSource;
        this.description = description;
        this.embedded = embedded;
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES,
                new Settings().withExecuteLogging(false).withRenderSchema(false));
    }

    /** Opens the database the configuration names and migrates it. */
    public static Database open(GaleConfig config) {
        Database db;
        if (config.embeddedDatabase()) {
            int size = poolSize(config.parallelism());
            var started = EmbeddedServer.startOrAttach(config.home(),
                    server -> pool(hc -> hc.setDataSource(new EmbeddedDataSource(server)), size));
            db = new Database(started.connection(),
                    "embedded PostgreSQL, data in " + started.server().dataDir() + " (port " + started.server().port() + ")",
                    started.server());
        } else {
            db = external(config.databaseUrl(), config.databaseUser(), config.databasePassword(), poolSize(config.parallelism()));
        }
        try {
            db.migrationsApplied = db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Connects to an external PostgreSQL server (not migrated yet: call {@link #migrate()}). */
    public static Database external(String url, String user, String password) {
        return external(url, user, password, MIN_POOL);
    }

    private static Database external(String url, String user, String password, int poolSize) {
        checkReachable(url, user, password);
        return new Database(pool(hc -> {
            hc.setJdbcUrl(url);
            hc.setUsername(user);
            hc.setPassword(password);
        }, poolSize), "PostgreSQL at " + Secrets.maskUrl(url), null);
    }

    /**
     * Connections a process needs: one per executor slot (tasks read XComs, variables and
     * connections), plus the scheduler loop, the change listener, the dags-folder watcher and
     * heartbeats; at least {@value #MIN_POOL}.
     */
    static int poolSize(int parallelism) {
        return Math.max(MIN_POOL, parallelism + 4);
    }

    /**
     * The newest migration in {@code migrations/} ({@code V<n>__*.sql}); a test keeps it in step
     * with the folder. A database at this version is not handed to Flyway at all, which keeps
     * short commands fast.
     */
    static final int LATEST_MIGRATION = 19;

    /** Applies the migrations in {@code migrations/} that this database does not have yet. */
    public int migrate() {
        if (schemaVersion() >= LATEST_MIGRATION) {
            return 0;
        }
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
    }

    /** The newest migration applied to this database, or 0 when none (or Flyway's table is missing). */
    private int schemaVersion() {
        try (Connection c = dataSource.getConnection();
             var rs = c.createStatement().executeQuery("select coalesce(max(version::int), 0) from flyway_schema_history where success and version is not null")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            return 0; // no history table yet: Flyway creates it
        }
    }

    /** How many migrations {@link #open} applied. */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** The most connections this process's pool opens. */
    int maxConnections() {
        return dataSource.getMaximumPoolSize();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Where the data lives, without credentials. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.release(dataSource::close);
        } else {
            dataSource.close();
        }
    }

    private static void checkReachable(String url, String user, String password) {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(url, p)) {
            // reachable
        } catch (SQLException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            List<String> secrets = new ArrayList<>(List.of(Secrets.passwordsIn(url)));
            secrets.add(password);
            reason = Secrets.mask(reason, secrets.toArray(String[]::new));
            throw new StoreException("cannot connect to PostgreSQL at " + Secrets.maskUrl(url) + ": " + reason
                    + ". Check GALE_DATABASE_URL, GALE_DATABASE_USER and GALE_DATABASE_PASSWORD, or unset GALE_DATABASE_URL to use the embedded database");
        }
    }

    private static HikariDataSource pool(java.util.function.Consumer<HikariConfig> source, int size) {
        HikariConfig hc = new HikariConfig();
        source.accept(hc);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setPoolName("gale");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        // batch statements take their rows as arrays (unnest): a plan made for the actual arrays
        // looks rows up by key; a cached generic plan guesses their length and may scan the table
        hc.setConnectionInitSql("set plan_cache_mode = force_custom_plan");
        return new HikariDataSource(hc);
    }
}
