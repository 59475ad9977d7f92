package io.gale.operators.recsys;

import io.gale.api.Operator;
import io.gale.api.SkipTask;
import io.gale.api.TaskContext;
import io.gale.operators.github.GithubStars;
import io.gale.operators.recsys.data.InteractionReader;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.StampedInteractions;
import io.gale.operators.recsys.data.SyntheticStars;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
 *
 * <p>With param {@code time_column} true, each interaction has a time (the ratings file's fourth
 * field, Unix seconds or ISO-8601; synthetic stars get times between {@code synthetic_start} and
 * {@code synthetic_end}, default 2025-01-01 and 2026-01-01 UTC) and a run uses those before the end
 * of its data interval, or, with {@code window_days}, those of the last so many days before it. A
 * backfill thus trains on the data as it was at each date. A run with no interaction in its range,
 * or none left after the minimum-count filters, is skipped with the reason (and so are the tasks
 * after it).
 */
public final class PrepareInteractionsOperator implements Operator<Map<String, Object>> {

    @Override
    public Map<String, Object> execute(TaskContext ctx) {
        String ratings = ctx.param("ratings_path", String.class);
        boolean timed = TaskParams.get(ctx, "time_column", Boolean.class, false);
        Interactions raw;
        String source;
        StampedInteractions stamped = null;
        if (ratings != null && !ratings.isBlank()) {
            double minRating = TaskParams.get(ctx, "min_rating", Double.class, 0.0);
            if (timed) {
                stamped = InteractionReader.readStampedRatings(Path.of(ratings), minRating);
                raw = null;
            } else {
                raw = InteractionReader.readRatings(Path.of(ratings), minRating);
            }
            source = ratings;
        } else if ("github".equalsIgnoreCase(ctx.param("source", String.class))) {
            if (timed) {
                throw new IllegalArgumentException("task '" + ctx.taskId() + "': time_column is not supported with source=github yet");
            }
            raw = githubStars(ctx);
            source = "github:gh_star";
        } else {
            var o = SyntheticStars.Options.defaults(TaskParams.get(ctx, "synthetic_seed", Long.class, 42L))
                    .withSize(TaskParams.get(ctx, "synthetic_users", Integer.class, 3000),
                            TaskParams.get(ctx, "synthetic_repositories", Integer.class, 1500));
            if (timed) {
                stamped = SyntheticStars.generateStamped(o, instant(ctx, "synthetic_start", "2025-01-01"),
                        instant(ctx, "synthetic_end", "2026-01-01"));
                raw = null;
            } else {
                raw = SyntheticStars.generate(o);
            }
            source = "synthetic:" + o;
        }
        Instant until = ctx.dataIntervalEnd();
        Integer windowDays = ctx.param("window_days", Integer.class);
        if (stamped != null) {
            if (windowDays != null && windowDays < 1) {
                throw new IllegalArgumentException("task '" + ctx.taskId() + "': window_days must be at least 1, got " + windowDays);
            }
            Instant from = windowDays == null ? null : until.minus(Duration.ofDays(windowDays));
            raw = stamped.between(from, until);
            ctx.log().info("{} of {} interactions {} {}", raw.size(), stamped.size(),
                    from == null ? "before" : "from " + from + " to", until);
            if (raw.size() == 0) {
                Instant[] span = stamped.span();
                throw new SkipTask("no interactions " + (from == null ? "before " : "from " + from + " to ") + until
                        + " (the data runs from " + span[0] + " to " + span[1] + ")");
            }
        }
        Interactions kept = raw.filter(TaskParams.get(ctx, "min_user_items", Integer.class, 5),
                TaskParams.get(ctx, "min_item_users", Integer.class, 5));
        if (kept.size() == 0) {
            if (stamped != null) {
                throw new SkipTask("no interactions left before " + until + " after the minimum-count filters ("
                        + raw.size() + " before them): too early in the data");
            }
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
        if (stamped != null) {
            out.put("until", until.toString());
            out.put("window_days", windowDays);
        }
        ctx.log().info("{} interactions ({} before filtering): {} users x {} items -> {}", kept.size(), raw.size(),
                out.get("users"), out.get("items"), file);
        ctx.xcomPush("path", file.toString());
        return out;
    }

    private static Instant instant(TaskContext ctx, String param, String fallback) {
        String v = TaskParams.get(ctx, param, String.class, fallback).trim();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("task '" + ctx.taskId() + "': " + param + " must be a date (2025-01-01) or an "
                    + "ISO-8601 instant (2025-01-01T00:00:00Z), got '" + v + "'");
        }
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
            users[i] = Math.toIntExact(stars.userIds()[i]);
            items[i] = Math.toIntExact(stars.repoIds()[i]);
        }
        return new Interactions(users, items);
    }
}
