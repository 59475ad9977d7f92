package io.gale.store;

import static io.gale.store.JooqStore.instant;
import static io.gale.store.jooq.Tables.IMPORT_ERROR;

import java.util.List;
import org.jooq.DSLContext;

/** {@link ImportErrorRepository} on PostgreSQL. */
final class JooqImportErrors implements ImportErrorRepository {

    private final DSLContext dsl;

    JooqImportErrors(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<ImportError> list() {
        return dsl.selectFrom(IMPORT_ERROR).orderBy(IMPORT_ERROR.FILENAME)
                .fetch(r -> new ImportError(r.getFilename(), r.getMessage(), instant(r.getTimestamp())));
    }
}
