package io.gale.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
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
                                    .withExcludes("flyway_schema_history")
                                    .withForcedTypes(
                                            state("task_instance.state", "io.gale.core.TaskState", "TaskStates"),
                                            state("dag_run.state", "io.gale.core.DagRunState", "DagRunStates"),
                                            state("dag_run.run_type", "io.gale.core.RunType", "RunTypes"),
                                            state("backfill.state", "io.gale.core.BackfillState", "BackfillStates"),
                                            state("scheduler_job.state", "io.gale.core.JobState", "JobStates"),
                                            state("web_user.role", "io.gale.core.Role", "Roles"),
                                            state("callback_outbox.kind", "io.gale.core.CallbackKind", "CallbackKinds"),
                                            state("callback_outbox.state", "io.gale.core.TaskState", "TaskStates")))
                            .withGenerate(new Generate().withJavaTimeTypes(true).withGeneratedAnnotation(false)
                                    .withDaos(false).withPojos(false).withComments(false))
                            .withTarget(new Target().withPackageName("io.gale.store.jooq").withDirectory(target))));
        }
    }

    /** A text column read as one of Gale's state enums through its converter in {@link StateConverters}. */
    private static ForcedType state(String column, String enumType, String converter) {
        return new ForcedType().withUserType(enumType).withConverter(StateConverters.class.getName() + "." + converter)
                .withIncludeExpression("(public\\.)?" + column.replace(".", "\\.")).withIncludeTypes("text");
    }
}
