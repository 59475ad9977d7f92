package io.gale.operators.recsys;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import io.gale.operators.github.GithubStars;
import io.gale.operators.recsys.data.InteractionReader;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.SyntheticStars;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the interactions (param {@code ratings_path}: {@code user,item[,rating[,timestamp]]},
 * positives at {@code rating >= min_rating}, default 0), or with {@code source=github} the crawled
 * {@code gh_star} rows (user and repository ids; database as {@code star_db_conn_id}), or else generates
 * {@link SyntheticStars} ({@code synthetic_users}, {@code synthetic_repositories},
 * {@code synthetic_seed}, default 42); keeps items with {@code min_item_users} users and users with
 * {@code min_user_items} items (default 5 each); writes {@code interactions.csv} ({@code uid,sid})
 * into the working directory. Pushes {@code path} and returns the path and shape.
 */
public final class PrepareInteractionsOperator implements Operator<Map<String, Object>> {

    @Override
    public Map<String, Object> execute(TaskContext ctx) {
        String ratings = ctx.param("ratings_path", String.class);
        Interactions raw;
        String source;
        if (ratings != null && !ratings.isBlank()) {
            raw = InteractionReader.readRatings(Path.of(ratings), TaskParams.get(ctx, "min_rating", Double.class, 0.0));
            source = ratings;
        } else if ("github".equalsIgnoreCase(ctx.param("source", String.class))) {
            raw = githubStars(ctx);
            source = "github:gh_star";
        } else {
            var o = SyntheticStars.Options.defaults(TaskParams.get(ctx, "synthetic_seed", Long.class, 42L))
                    .withSize(TaskParams.get(ctx, "synthetic_users", Integer.class, 3000),
                            TaskParams.get(ctx, "synthetic_repositories", Integer.class, 1500));
            raw = SyntheticStars.generate(o);
            source = "synthetic:" + o;
        }
        Interactions kept = raw.filter(TaskParams.get(ctx, "min_user_items", Integer.class, 5),
                TaskParams.get(ctx, "min_item_users", Integer.class, 5));
        if (kept.size() == 0) {
            throw new IllegalArgumentException("no interactions left after the minimum-count filters (empty matrix)");
        }
        Path file = ctx.workDir().resolve("interactions.csv");
        kept.write(file);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", file.toString());
        out.put("users", kept.distinctUsers());
        out.put("items", kept.distinctItems());
        out.put("interactions", kept.size());
        out.put("source", source);
        ctx.log().info("{} interactions ({} before filtering): {} users x {} items -> {}", kept.size(), raw.size(),
                out.get("users"), out.get("items"), file);
        ctx.xcomPush("path", file.toString());
        return out;
    }

    /** The crawled stars as (user id, repository id) pairs; GitHub's ids become matrix columns in the split, as any raw ids. */
    private static Interactions githubStars(TaskContext ctx) {
        var stars = GithubStars.read(ctx);
        if (stars.size() == 0) {
            throw new IllegalArgumentException("source=github: gh_star holds no stars; run the DAG github_stars_crawl first");
        }
        int[] users = new int[stars.size()];
        int[] items = new int[stars.size()];
        for (int i = 0; i < users.length; i++) {
            if (stars.userIds()[i] > Integer.MAX_VALUE || stars.repoIds()[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("source=github: user " + stars.userIds()[i] + " / repository " + stars.repoIds()[i]
                        + " has an id beyond the interaction matrix's int ids");
            }
            users[i] = (int) stars.userIds()[i];
            items[i] = (int) stars.repoIds()[i];
        }
        return new Interactions(users, items);
    }
}
