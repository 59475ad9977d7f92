package io.gale.store;

import io.gale.api.ModelRegistry;
import io.gale.core.TaskKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The PostgreSQL store, with jOOQ: one repository class per table group, all on one {@link DSLContext}. */
public final class JooqStore implements Store {

    private final DSLContext dsl;

    public JooqStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    public JooqStore(Database db) {
        this(db.dsl());
    }

    @Override
    public <T> T transaction(Function<Store, T> work) {
        return dsl.transactionResult(cfg -> work.apply(new JooqStore(DSL.using(cfg))));
    }

    @Override
    public void notifyChange() {
        dsl.execute("select pg_notify('" + ChangeListener.CHANNEL + "', '')");
    }

    @Override
    public DagRepository dags() {
        return new JooqDags(dsl);
    }

    @Override
    public DagRunRepository runs() {
        return new JooqDagRuns(dsl);
    }

    @Override
    public TaskInstanceRepository taskInstances() {
        return new JooqTaskInstances(dsl);
    }

    @Override
    public XComRepository xcoms() {
        return new JooqXComs(dsl);
    }

    @Override
    public TaskLogRepository logs() {
        return new JooqTaskLogs(dsl);
    }

    @Override
    public ImportErrorRepository importErrors() {
        return new JooqImportErrors(dsl);
    }

    @Override
    public SerializedDagRepository serializedDags() {
        return new JooqSerializedDags(dsl);
    }

    @Override
    public ModelRegistry models() {
        return new JooqModelRegistry(dsl);
    }

    @Override
    public TrainingMetricRepository trainingMetrics() {
        return new JooqTrainingMetrics(dsl);
    }

    @Override
    public VariableRepository variables() {
        return new JooqVariables(dsl);
    }

    @Override
    public ConnectionRepository connections() {
        return new JooqConnections(dsl);
    }

    @Override
    public PoolRepository pools() {
        return new JooqPools(dsl);
    }

    @Override
    public EdgeRepository edge() {
        return new JooqEdge(dsl);
    }

    @Override
    public SchedulerJobRepository schedulerJobs() {
        return new JooqSchedulerJobs(dsl);
    }

    @Override
    public BackfillRepository backfills() {
        return new JooqBackfills(dsl);
    }

    @Override
    public CallbackOutboxRepository callbacks() {
        return new JooqCallbackOutbox(dsl);
    }

    @Override
    public UserRepository users() {
        return new JooqUsers(dsl);
    }

    /** Rows in a fixed order, so concurrent transactions lock them in the same order. */
    static <T> List<T> sorted(Collection<T> items, Function<T, TaskKey> key) {
        return items.stream().sorted(Comparator.comparing(i -> key.apply(i).toString())).toList();
    }

    static OffsetDateTime odt(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
