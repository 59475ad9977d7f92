package io.gale.store;

import static io.gale.store.jooq.Tables.CONNECTION;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.Connection;
import io.gale.core.Json;
import io.gale.store.jooq.tables.records.ConnectionRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** {@link ConnectionRepository} on PostgreSQL. */
final class JooqConnections implements ConnectionRepository {

    private final DSLContext dsl;

    JooqConnections(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<Connection> get(String connId) {
        return dsl.selectFrom(CONNECTION).where(CONNECTION.CONN_ID.eq(connId)).fetchOptional(JooqConnections::connection);
    }

    @Override
    public void put(Connection c) {
        var extra = JSONB.valueOf(Json.write(c.extra()));
        dsl.insertInto(CONNECTION).set(CONNECTION.CONN_ID, c.id()).set(CONNECTION.CONN_TYPE, c.type())
                .set(CONNECTION.HOST, c.host()).set(CONNECTION.PORT, c.port()).set(CONNECTION.SCHEMA, c.schema())
                .set(CONNECTION.LOGIN, c.login()).set(CONNECTION.PASSWORD, c.password()).set(CONNECTION.EXTRA, extra)
                .onConflict(CONNECTION.CONN_ID).doUpdate()
                .set(CONNECTION.CONN_TYPE, c.type()).set(CONNECTION.HOST, c.host()).set(CONNECTION.PORT, c.port())
                .set(CONNECTION.SCHEMA, c.schema()).set(CONNECTION.LOGIN, c.login())
                .set(CONNECTION.PASSWORD, c.password()).set(CONNECTION.EXTRA, extra)
                .execute();
    }

    @Override
    public boolean delete(String connId) {
        return dsl.deleteFrom(CONNECTION).where(CONNECTION.CONN_ID.eq(connId)).execute() == 1;
    }

    @Override
    public List<Connection> list() {
        return dsl.selectFrom(CONNECTION).orderBy(CONNECTION.CONN_ID).fetch(JooqConnections::connection);
    }

    private static Connection connection(ConnectionRecord r) {
        Map<String, String> extra = Json.MAPPER.convertValue(Json.read(r.getExtra().data(), Object.class),
                new TypeReference<LinkedHashMap<String, String>>() { });
        return new Connection(r.getConnId(), r.getConnType(), r.getHost(), r.getPort(), r.getSchema(), r.getLogin(),
                r.getPassword(), extra);
    }
}
