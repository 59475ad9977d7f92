package io.gale.store;

import static io.gale.store.jooq.Tables.TRAINING_METRIC;

import io.gale.core.Json;
import io.gale.core.TaskKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** {@link TrainingMetricRepository} on PostgreSQL. */
final class JooqTrainingMetrics implements TrainingMetricRepository {

    private final DSLContext dsl;

    JooqTrainingMetrics(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void record(TaskKey task, int tryNumber, int epoch, Map<String, Double> metrics, double seconds) {
        Map<String, Double> finite = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                finite.put(k, v);
            }
        });
        JSONB json = JSONB.valueOf(Json.write(finite));
        Double secs = Double.isFinite(seconds) ? seconds : null;
        dsl.insertInto(TRAINING_METRIC)
                .set(TRAINING_METRIC.DAG_ID, task.dagId()).set(TRAINING_METRIC.RUN_ID, task.runId())
                .set(TRAINING_METRIC.TASK_ID, task.taskId()).set(TRAINING_METRIC.TRY_NUMBER, tryNumber)
                .set(TRAINING_METRIC.EPOCH, epoch).set(TRAINING_METRIC.SECONDS, secs).set(TRAINING_METRIC.METRICS, json)
                .onConflict(TRAINING_METRIC.DAG_ID, TRAINING_METRIC.RUN_ID, TRAINING_METRIC.TASK_ID, TRAINING_METRIC.TRY_NUMBER,
                        TRAINING_METRIC.EPOCH)
                .doUpdate().set(TRAINING_METRIC.SECONDS, secs).set(TRAINING_METRIC.METRICS, json)
                .set(TRAINING_METRIC.RECORDED_AT, DSL.currentOffsetDateTime())
                .execute();
    }

    @Override
    public List<Curve> forRun(String dagId, String runId) {
        var latest = dsl.select(TRAINING_METRIC.TASK_ID, DSL.max(TRAINING_METRIC.TRY_NUMBER).as("latest"))
                .from(TRAINING_METRIC)
                .where(TRAINING_METRIC.DAG_ID.eq(dagId), TRAINING_METRIC.RUN_ID.eq(runId))
                .groupBy(TRAINING_METRIC.TASK_ID)
                .asTable("latest");
        var rows = dsl.select(TRAINING_METRIC.TASK_ID, TRAINING_METRIC.TRY_NUMBER, TRAINING_METRIC.EPOCH, TRAINING_METRIC.METRICS,
                        TRAINING_METRIC.SECONDS, TRAINING_METRIC.RECORDED_AT)
                .from(TRAINING_METRIC)
                .join(latest).on(latest.field(TRAINING_METRIC.TASK_ID).eq(TRAINING_METRIC.TASK_ID),
                        latest.field("latest", Integer.class).eq(TRAINING_METRIC.TRY_NUMBER))
                .where(TRAINING_METRIC.DAG_ID.eq(dagId), TRAINING_METRIC.RUN_ID.eq(runId))
                .orderBy(TRAINING_METRIC.TASK_ID, TRAINING_METRIC.EPOCH)
                .fetch();
        List<Curve> curves = new ArrayList<>();
        String task = null;
        int tryNumber = 0;
        List<Epoch> epochs = new ArrayList<>();
        for (var r : rows) {
            if (!r.value1().equals(task)) {
                if (task != null) {
                    curves.add(new Curve(task, tryNumber, epochs));
                }
                task = r.value1();
                tryNumber = r.value2();
                epochs = new ArrayList<>();
            }
            epochs.add(new Epoch(r.value3(), metrics(r.value4()), r.value5(), JooqStore.instant(r.value6())));
        }
        if (task != null) {
            curves.add(new Curve(task, tryNumber, epochs));
        }
        return curves;
    }

    private static Map<String, Double> metrics(JSONB json) {
        Map<String, Double> out = new LinkedHashMap<>();
        Json.read(json.data(), Map.class).forEach((k, v) -> out.put(String.valueOf(k), ((Number) v).doubleValue()));
        return out;
    }
}
