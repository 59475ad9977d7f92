package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.jooq.Tables.IMPORT_ERROR;

import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/** {@link ImportErrorRepository} on PostgreSQL. */
final class JooqImportErrors implements ImportErrorRepository {

    private final DSLContext dsl;

    JooqImportErrors(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void replaceAll(Map<String, String> errors) {
        dsl.deleteFrom(IMPORT_ERROR).execute();
        var queries = errors.entrySet().stream().map(e -> dsl.insertInto(IMPORT_ERROR)
                .set(IMPORT_ERROR.FILENAME, e.getKey()).set(IMPORT_ERROR.MESSAGE, e.getValue())).toList();
        if (!queries.isEmpty()) {
            dsl.batch(queries).execute();
        }
    }

    @Override
    public List<ImportError> list() {
        return dsl.selectFrom(IMPORT_ERROR).orderBy(IMPORT_ERROR.FILENAME)
                .fetch(r -> new ImportError(r.getFilename(), r.getMessage(), instant(r.getTimestamp())));
    }
}
