package io.gale.operators.github;

import io.gale.api.TaskContext;
import io.gale.operators.github.store.StarDatabase;
import io.gale.operators.github.store.StarStore;

/** The crawled stars, for tasks that learn from them ({@code preprocess_base_data} with {@code source=github}). */
public final class GithubStars {

    private GithubStars() {
    }

    /**
     * Every row of {@code gh_star} in the database the task's param {@code star_db_conn_id} names
     * (by default Gale's own).
     */
    public static StarStore.StarPairs read(TaskContext ctx) {
        try (StarDatabase db = CrawlTask.database(ctx)) {
            StarStore.StarPairs stars = db.store().stars();
            ctx.log().info("{} stars read from gh_star in {}", stars.size(), db.description());
            return stars;
        }
    }
}
