package io.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class DagValidationTest {

    private static final ZonedDateTime START = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"));

    private static Operator<String> noop() {
        return ctx -> null;
    }

    @Test
    void cycleMessageShowsThePath() {
        var dag = Dag.builder("cyclic");
        var a = dag.task("a", noop());
        var b = dag.task("b", noop());
        var c = dag.task("c", noop());
        a.then(b).then(c).then(a);
        assertThatThrownBy(dag::build).isInstanceOf(DagValidationException.class)
                .hasMessage("DAG 'cyclic': task 'a' is in a cycle: a -> b -> c -> a");
    }

    @Test
    void selfDependencyIsACycle() {
        var dag = Dag.builder("selfish");
        dag.task("a", noop()).dependsOn("a");
        assertThatThrownBy(dag::build).hasMessageContaining("DAG 'selfish'").hasMessageContaining("a -> a");
    }

    @Test
    void unknownUpstreamIdIsNamed() {
        var dag = Dag.builder("d");
        dag.task("load", noop()).dependsOn("extrct");
        assertThatThrownBy(dag::build).isInstanceOf(DagValidationException.class)
                .hasMessage("DAG 'd': task 'load': unknown upstream task 'extrct'");
    }

    @Test
    void duplicateTaskId() {
        var dag = Dag.builder("d");
        dag.task("a", noop());
        dag.task("a", noop());
        assertThatThrownBy(dag::build).hasMessage("DAG 'd': task 'a': duplicate task id");
    }

    @Test
    void invalidIds() {
        var dag = Dag.builder("bad dag");
        dag.task("ok_task.v1-2", noop());
        dag.task("no/slash", noop());
        dag.task("x".repeat(251), noop());
        assertThatThrownBy(dag::build)
                .hasMessageStartingWith("DAG 'bad dag': invalid DAG id")
                .hasMessageContaining("task 'no/slash': invalid task id")
                .hasMessageContaining("task '" + "x".repeat(251) + "': invalid task id")
                .hasMessageNotContaining("ok_task.v1-2");
        assertThat(Dag.builder("x".repeat(250)).build().id()).hasSize(250);
    }

    @Test
    void startDateWithoutZoneIsAnError() {
        var dag = Dag.builder("d").schedule("@daily").startDate("2022-06-02T22:30");
        assertThatThrownBy(dag::build).isInstanceOf(DagValidationException.class)
                .hasMessageContaining("DAG 'd': start date '2022-06-02T22:30' has no timezone");
    }

    @Test
    void scheduledDagNeedsAStartDate() {
        assertThatThrownBy(() -> Dag.builder("d").schedule("@hourly").build())
                .hasMessageContaining("DAG 'd': a scheduled DAG needs a start date with a timezone");
        assertThat(Dag.builder("manual").schedule("none").build().timezone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void startDateTextWithZone() {
        Dag dag = Dag.builder("d").schedule("@hourly").startDate("2022-06-02T22:30+09:00[Asia/Seoul]").build();
        assertThat(dag.timezone()).isEqualTo(ZoneId.of("Asia/Seoul"));
        assertThat(dag.startDate().toInstant().toString()).isEqualTo("2022-06-02T13:30:00Z");
    }

    @Test
    void fanOutFanInAndOrder() {
        var dag = Dag.builder("diamond").schedule("@daily").startDate(START);
        var a = dag.task("a", noop());
        var b = dag.task("b", noop());
        var c = dag.task("c", noop());
        var d = dag.task("d", noop());
        a.then(b, c).then(d);
        Dag built = dag.build();
        assertThat(built.topologicalOrder()).containsExactly("a", "b", "c", "d");
        assertThat(built.downstreamIds("a")).containsExactly("b", "c");
        assertThat(built.task("d").upstreamIds()).containsExactly("b", "c");
        assertThat(built.leafIds()).containsExactly("d");
    }

    @Test
    void defaultsApplyUnlessTheTaskSetsItsOwn() {
        var dag = Dag.builder("d").defaults(TaskDefaults.of().retries(3).triggerRule(TriggerRule.ALL_DONE));
        dag.task("inherits", noop());
        dag.task("own", noop()).retries(0);
        Dag built = dag.build();
        assertThat(built.task("inherits").retries()).isEqualTo(3);
        assertThat(built.task("inherits").triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
        assertThat(built.task("own").retries()).isZero();
        assertThatThrownBy(() -> built.task("own").retries(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void triggerRuleNamesAreAirflows() {
        assertThat(TriggerRule.of("none_failed_min_one_success")).isEqualTo(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        assertThat(List.of(TriggerRule.values())).hasSize(12);
        assertThatThrownBy(() -> TriggerRule.of("sometimes")).hasMessageContaining("unknown trigger rule 'sometimes'");
    }

    @Test
    void taskFromAnotherDagIsRejected() {
        var other = Dag.builder("other");
        var foreign = other.task("x", noop());
        var dag = Dag.builder("d");
        dag.task("y", noop()).after(foreign);
        assertThatThrownBy(dag::build).hasMessageContaining("task 'y': upstream task 'x' belongs to another DAG");
    }
}
