package io.gale.store;

import static io.gale.store.jooq.Tables.POOL;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;

/** {@link PoolRepository} on PostgreSQL. */
final class JooqPools implements PoolRepository {

    private final DSLContext dsl;

    JooqPools(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<Pool> list() {
        return dsl.selectFrom(POOL).orderBy(POOL.NAME).fetch(r -> new Pool(r.getName(), r.getSlots(), r.getDescription()));
    }

    @Override
    public Optional<Pool> find(String name) {
        return dsl.selectFrom(POOL).where(POOL.NAME.eq(name)).fetchOptional(r -> new Pool(r.getName(), r.getSlots(), r.getDescription()));
    }

    @Override
    public void put(Pool pool) {
        dsl.insertInto(POOL).set(POOL.NAME, pool.name()).set(POOL.SLOTS, pool.slots()).set(POOL.DESCRIPTION, pool.description())
                .onConflict(POOL.NAME).doUpdate().set(POOL.SLOTS, pool.slots()).set(POOL.DESCRIPTION, pool.description())
                .execute();
    }

    @Override
    public boolean delete(String name) {
        return dsl.deleteFrom(POOL).where(POOL.NAME.eq(name)).execute() > 0;
    }

    @Override
    public Map<String, Integer> slots() {
        return dsl.select(POOL.NAME, POOL.SLOTS).from(POOL).fetchMap(r -> r.value1(), r -> r.value2());
    }

    @Override
    public Map<String, Integer> lock(Collection<String> names) {
        if (names.isEmpty()) return Map.of();
        return dsl.select(POOL.NAME, POOL.SLOTS).from(POOL).where(POOL.NAME.in(names)).orderBy(POOL.NAME).forUpdate()
                .fetchMap(r -> r.value1(), r -> r.value2());
    }
}
