package io.gale.store;

import static io.gale.store.jooq.Tables.VARIABLE;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;

/** {@link VariableRepository} on PostgreSQL. */
final class JooqVariables implements VariableRepository {

    private final DSLContext dsl;

    JooqVariables(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<String> get(String key) {
        return dsl.select(VARIABLE.VAL).from(VARIABLE).where(VARIABLE.KEY.eq(key)).fetchOptional(r -> r.value1());
    }

    @Override
    public void set(String key, String value) {
        dsl.insertInto(VARIABLE).set(VARIABLE.KEY, key).set(VARIABLE.VAL, value)
                .onConflict(VARIABLE.KEY).doUpdate().set(VARIABLE.VAL, value).execute();
    }

    @Override
    public boolean delete(String key) {
        return dsl.deleteFrom(VARIABLE).where(VARIABLE.KEY.eq(key)).execute() == 1;
    }

    @Override
    public Map<String, String> list() {
        Map<String, String> m = new LinkedHashMap<>();
        dsl.selectFrom(VARIABLE).orderBy(VARIABLE.KEY).forEach(r -> m.put(r.getKey(), r.getVal()));
        return m;
    }
}
