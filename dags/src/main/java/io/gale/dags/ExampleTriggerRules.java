package io.gale.dags;

import io.gale.api.Dag;
import io.gale.api.DagDefinition;
import io.gale.api.FailTask;
import io.gale.api.SkipTask;
import io.gale.api.TriggerRule;

/**
 * Trigger rules on a diamond with a failing and a skipped branch. The run succeeds because its
 * only leaf, {@code cleanup}, runs whatever happened upstream (all_done). Final states:
 * <pre>
 * start                        success
 * branch_ok                    success
 * branch_fail                  failed          (fails without retry)
 * branch_skip                  skipped
 * join_all_success             upstream_failed (all_success; one upstream failed)
 * join_one_failed              success         (one_failed fires as soon as one upstream fails)
 * join_all_done                success         (all_done)
 * join_none_failed             upstream_failed (none_failed)
 * join_one_success             success         (one_success)
 * after_skip                   skipped         (all_success; upstream skipped)
 * join_min_one_success         success         (none_failed_min_one_success over branch_ok and branch_skip)
 * cleanup                      success         (all_done)
 * </pre>
 */
public final class ExampleTriggerRules implements DagDefinition {

    @Override
    public Dag define() {
        var dag = Dag.builder("example_trigger_rules")
                .description("A diamond with a failing branch, a skipped branch and several trigger rules")
                .tags("example");
        var start = dag.task("start", ctx -> "started");
        var ok = dag.task("branch_ok", ctx -> 42);
        var fail = dag.task("branch_fail", ctx -> {
            throw new FailTask("this branch always fails");
        });
        var skip = dag.task("branch_skip", ctx -> {
            throw new SkipTask("nothing to do on this branch");
        });
        start.then(ok, fail, skip);

        var allSuccess = dag.task("join_all_success", ctx -> "never runs");
        var oneFailed = dag.task("join_one_failed", ctx -> "alerting: a branch failed").triggerRule(TriggerRule.ONE_FAILED);
        var allDone = dag.task("join_all_done", ctx -> "all branches finished").triggerRule(TriggerRule.ALL_DONE);
        var noneFailed = dag.task("join_none_failed", ctx -> "never runs").triggerRule(TriggerRule.NONE_FAILED);
        var oneSuccess = dag.task("join_one_success", ctx -> ctx.xcomPull("branch_ok", Integer.class)).triggerRule(TriggerRule.ONE_SUCCESS);
        for (var join : new io.gale.api.Task[] {allSuccess, oneFailed, allDone, noneFailed, oneSuccess}) {
            join.after(ok, fail);
        }
        var afterSkip = dag.task("after_skip", ctx -> "never runs").after(skip);
        var minOne = dag.task("join_min_one_success", ctx -> "ok").after(ok, skip)
                .triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);

        dag.task("cleanup", ctx -> "cleaned up").triggerRule(TriggerRule.ALL_DONE)
                .after(allSuccess, oneFailed, allDone, noneFailed, oneSuccess, afterSkip, minOne);
        return dag.build();
    }
}
