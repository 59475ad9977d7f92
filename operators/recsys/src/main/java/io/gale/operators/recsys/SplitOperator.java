package io.gale.operators.recsys;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import io.gale.operators.recsys.data.InteractionReader;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.Split;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the strong-generalisation split ({@link Split#strongGeneralization}) of the
 * {@code uid,sid} file in param {@code interactions_path} or the XCom {@code path} of the upstream
 * task, and writes it to {@code split/} in the working directory ({@link Split#write}).
 * Param {@code heldout_users}: validation and test users each (default a tenth of the users, at most 600).
 * Pushes {@code split_dir} and returns it with the split's sizes.
 */
public final class SplitOperator implements Operator<Map<String, Object>> {

    private final String interactionsTask;

    /** @param interactionsTask the task whose XCom {@code path} names the interactions file */
    public SplitOperator(String interactionsTask) {
        this.interactionsTask = interactionsTask;
    }

    @Override
    public Map<String, Object> execute(TaskContext ctx) {
        Path file = Path.of(TaskParams.paramOrXCom(ctx, "interactions_path", interactionsTask, "path"));
        Interactions pairs = InteractionReader.readPairs(file);
        int users = pairs.distinctUsers();
        int heldout = TaskParams.get(ctx, "heldout_users", Integer.class, Math.max(1, Math.min(600, users / 10)));
        Split split = Split.strongGeneralization(pairs, Split.Options.of(heldout));
        Path dir = split.write(ctx.workDir().resolve("split"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("split_dir", dir.toString());
        out.put("train_users", split.train().rows());
        out.put("validation_users", split.validationIn().rows());
        out.put("test_users", split.testIn().rows());
        out.put("items", split.numItems());
        ctx.log().info("split {}: {} train, {} validation, {} test users, {} items", dir, split.train().rows(),
                split.validationIn().rows(), split.testIn().rows(), split.numItems());
        ctx.xcomPush("split_dir", dir.toString());
        return out;
    }
}
