package io.gale.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Regenerates {@code io.gale.store.jooq} from the migrated schema on a real embedded PostgreSQL:
 * {@code mvn -pl engine -Pjooq-codegen test-compile exec:java}. The output is committed.
 */
public final class JooqCodegen {

    public static void main(String[] args) throws Exception {
        String target = args.length > 0 ? args[0] : "engine/src/main/java";
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
            GenerationTool.generate(new Configuration()
                    .withJdbc(new Jdbc().withDriver("org.postgresql.Driver")
                            .withUrl(pg.getJdbcUrl("postgres", "postgres")).withUser("postgres"))
                    .withGenerator(new Generator()
                            .withDatabase(new Database()
                                    .withName("org.jooq.meta.postgres.PostgresDatabase")
                                    .withInputSchema("public")
                                    .withOutputSchemaToDefault(true)
                                    .withExcludes("flyway_schema_history"))
                            .withGenerate(new Generate().withJavaTimeTypes(true).withGeneratedAnnotation(false)
                                    .withDaos(false).withPojos(false).withComments(false))
                            .withTarget(new Target().withPackageName("io.gale.store.jooq").withDirectory(target))));
        }
    }
}
