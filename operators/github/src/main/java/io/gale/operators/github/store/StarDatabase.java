package io.gale.operators.github.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gale.api.Connection;
import io.gale.config.GaleConfig;
import io.gale.core.Secrets;
import io.gale.store.Database;
import java.sql.SQLException;
import java.util.Locale;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The PostgreSQL database a crawl writes to: the one a Gale connection names (type
 * {@code postgres}: host, port, schema = database, login, password), or by default Gale's own
 * metadata database, opened the way this process's configuration says ({@code GALE_HOME},
 * {@code GALE_DATABASE_URL}), where migration V10 created the tables.
 */
public final class StarDatabase implements AutoCloseable {

    private final AutoCloseable resource;
    private final StarStore store;
    private final String description;

    private StarDatabase(AutoCloseable resource, StarStore store, String description) {
        this.resource = resource;
        this.store = store;
        this.description = description;
    }

    /** Gale's own metadata database, from the environment. */
    public static StarDatabase gale() {
        Database db = Database.open(GaleConfig.fromEnvironment());
        return new StarDatabase(db, new JooqStarStore(db.dsl()), "Gale's metadata database (" + db.description() + ")");
    }

    /** The database of a Gale connection of type {@code postgres}. */
    public static StarDatabase of(Connection c) {
        String type = c.type() == null ? "" : c.type().toLowerCase(Locale.ROOT);
        if (!type.equals("postgres") && !type.equals("postgresql")) {
            throw new IllegalArgumentException("connection '" + c.id() + "' is of type '" + c.type()
                    + "'; the star database must be a postgres connection");
        }
        String url = "jdbc:postgresql://" + c.host() + (c.port() == null ? "" : ":" + c.port()) + "/"
                + (c.schema() == null ? "postgres" : c.schema());
        return jdbc(url, c.login(), c.password(), "connection '" + c.id() + "'");
    }

    /** A database by JDBC URL; its gh_* tables must exist (migration V8). */
    public static StarDatabase jdbc(String url, String user, String password, String what) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(8);
        hc.setMinimumIdle(1);
        hc.setPoolName("gale-github");
        hc.setInitializationFailTimeout(10_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the star database (" + what + ", " + Secrets.maskUrl(url) + "): "
                    + Secrets.mask(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), password));
        }
        try (var conn = ds.getConnection(); var rs = conn.createStatement().executeQuery("select to_regclass('gh_star') is not null")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                ds.close();
                throw new IllegalStateException("the star database (" + what + ") has no gh_star table: apply Gale's migrations to it (gale db migrate)");
            }
        } catch (SQLException e) {
            ds.close();
            throw new IllegalStateException("cannot read the star database (" + what + "): " + e.getMessage());
        }
        var dsl = DSL.using(ds, SQLDialect.POSTGRES, new Settings().withExecuteLogging(false).withRenderSchema(false));
        return new StarDatabase(ds, new JooqStarStore(dsl), what + " (" + Secrets.maskUrl(url) + ")");
    }

    public StarStore store() {
        return store;
    }

    /** Which database this is, without credentials. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the star database: " + e.getMessage(), e);
        }
    }
}
