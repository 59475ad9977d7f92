package io.gale.operators.recsys;

import io.gale.api.FailTask;
import io.gale.api.Operator;
import io.gale.api.TaskContext;
import io.gale.operators.recsys.artifact.ArtifactName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code <model>_<score>} from the artifact file name (param {@code artifact_path}, else the
 * XCom {@code artifact_path} of the train task), pushes {@code model}, {@code score} and
 * {@code artifact_path} and returns them. A name that does not parse fails the task without retries.
 */
public final class ParseArtifactOperator implements Operator<Map<String, Object>> {

    private final String trainTask;

    public ParseArtifactOperator(String trainTask) {
        this.trainTask = trainTask;
    }

    @Override
    public Map<String, Object> execute(TaskContext ctx) {
        String path = TaskParams.paramOrXCom(ctx, "artifact_path", trainTask, "artifact_path");
        ArtifactName name;
        try {
            name = ArtifactName.parse(path);
        } catch (IllegalArgumentException e) {
            throw new FailTask("task '" + ctx.taskId() + "': " + e.getMessage());
        }
        ctx.xcomPush("model", name.model());
        ctx.xcomPush("score", name.score());
        ctx.xcomPush("artifact_path", path);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", name.model());
        out.put("score", name.score());
        out.put("artifact_path", path);
        return out;
    }
}
