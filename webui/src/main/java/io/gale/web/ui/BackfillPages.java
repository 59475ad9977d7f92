package io.gale.web.ui;

import io.gale.client.Backfills;
import io.gale.client.Operations;
import io.gale.core.BackfillState;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.scheduler.SchedulableDag;
import io.gale.store.BackfillRepository.Backfill;
import io.gale.store.BackfillRepository.Progress;
import io.gale.web.auth.Permission;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A DAG's backfills page ({@code /dags/{dag_id}/backfills}): each backfill's progress (done of
 * total, failed, rate, ETA) with pause, unpause and cancel; a form that previews the runs a new
 * backfill would make (a dry run: a GET, nothing recorded) and creates it.
 */
final class BackfillPages {

    /** One backfill as the page lists it. */
    public record Row(long id, String href, String range, String state, boolean paused, boolean running, int total, int done,
                      int failed, int active, String rate, String eta, String created) {
    }

    /** The preview of a backfill: the logical dates it would run, and what it leaves alone. */
    public record Preview(String from, String to, String reprocess, int maxActiveRuns, List<String> runs, int leftAlone) {
    }

    private final Pages pages;
    private final Operations ops;

    BackfillPages(Pages pages, Operations ops) {
        this.pages = pages;
        this.ops = ops;
    }

    void addTo(Javalin app) {
        app.get("/dags/{dag_id}/backfills", ctx -> UiRoutes.signedIn(ctx).ifPresent(who -> UiRoutes.page(() -> {
            String dagId = ctx.pathParam("dag_id");
            ops.dagRow(dagId);
            Map<String, Object> m = UiRoutes.common(ctx, who, "Backfills of " + dagId);
            m.put("dagId", dagId);
            m.put("dagHref", UiRoutes.dagHref(dagId));
            m.put("href", UiRoutes.dagHref(dagId) + "/backfills");
            m.put("backfills", rows(dagId));
            m.put("error", ctx.queryParam("error"));
            m.put("preview", null);
            if (ctx.queryParam("from") != null) {
                try {
                    Backfills.Plan plan = plan(ctx.pathParam("dag_id"), ctx.queryParam("from"), ctx.queryParam("to"),
                            ctx.queryParam("reprocess"), ctx.queryParam("max_active_runs"));
                    List<String> runs = new ArrayList<>();
                    plan.toCreate().forEach(i -> runs.add(Views.utc(i.logicalDate()) + " (new)"));
                    plan.toReset().forEach(r -> runs.add(Views.utc(r.logicalDate()) + " (cleared and run again)"));
                    plan.toRerun().forEach(r -> runs.add(Views.utc(r.logicalDate()) + " (failed tasks run again)"));
                    m.put("preview", new Preview(ctx.queryParam("from"), ctx.queryParam("to"), reprocess(ctx.queryParam("reprocess")),
                            plan.request().maxActiveRuns(), runs, plan.leftAlone().size()));
                } catch (BadRequestException e) {
                    m.put("error", e.getMessage());
                }
            }
            ctx.html(pages.render("backfills", m));
        })), Permission.PUBLIC);
        app.post("/dags/{dag_id}/backfills", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            String back = UiRoutes.dagHref(dagId) + "/backfills";
            try {
                Backfills.Plan plan = plan(dagId, ctx.formParam("from"), ctx.formParam("to"), ctx.formParam("reprocess"),
                        ctx.formParam("max_active_runs"));
                if (plan.total() == 0) {
                    throw new BadRequestException("this backfill would run nothing: every interval in the range already has a run (choose what to run again)");
                }
                ops.backfills().start(ops.schedulable(dagId), plan);
                ops.store().notifyChange();
            } catch (BadRequestException e) {
                ctx.redirect(back + "?error=" + java.net.URLEncoder.encode(e.getMessage(), java.nio.charset.StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
                return;
            }
            ctx.redirect(back, HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
        app.post("/dags/{dag_id}/backfills/{id}/{action}", ctx -> {
            String dagId = ctx.pathParam("dag_id");
            long id = backfillOf(dagId, ctx.pathParam("id"));
            String action = ctx.pathParam("action");
            switch (action) {
                case "pause", "unpause" -> {
                    if (ops.backfill(id).state() != BackfillState.RUNNING) {
                        throw new ConflictException("backfill " + id + " has finished: there is nothing to " + action);
                    }
                    ops.pauseBackfill(id, action.equals("pause"));
                }
                case "cancel" -> ops.cancelBackfill(id);
                default -> throw new io.gale.core.NotFoundException("no backfill action '" + action + "': use pause, unpause or cancel");
            }
            ctx.redirect(UiRoutes.dagHref(dagId) + "/backfills", HttpStatus.SEE_OTHER);
        }, Permission.OPERATE);
    }

    private long backfillOf(String dagId, String text) {
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new io.gale.core.NotFoundException("no backfill '" + text + "': backfill ids are numbers");
        }
        if (!ops.backfill(id).dagId().equals(dagId)) {
            throw new io.gale.core.NotFoundException("backfill " + id + " is not one of DAG '" + dagId + "'");
        }
        return id;
    }

    private List<Row> rows(String dagId) {
        Set<Long> paused = ops.store().backfills().pausedIds();
        Instant now = Instant.now();
        return ops.backfillList(dagId).stream().sorted(Comparator.comparingLong(Backfill::id).reversed()).map(b -> {
            Progress p = ops.store().backfills().progress(b.id());
            int done = p.success() + p.failed();
            Instant end = b.completedAt() != null ? b.completedAt() : now;
            double minutes = Math.max(1e-9, Duration.between(b.createdAt(), end).toMillis() / 60000.0);
            double rate = done / minutes;
            String eta = b.state() != BackfillState.RUNNING ? "–" : done == 0 ? "unknown (no run finished yet)"
                    : "about " + Math.round((p.total() - done) / rate) + " min";
            return new Row(b.id(), UiRoutes.dagHref(dagId) + "/backfills/" + b.id(), Views.utc(b.fromDate()) + " to " + Views.utc(b.toDate()),
                    b.state().name().toLowerCase(Locale.ROOT), paused.contains(b.id()), b.state() == BackfillState.RUNNING,
                    p.total(), done, p.failed(), p.running() + p.queued(), String.format(Locale.ROOT, "%.1f runs/min", rate), eta,
                    Views.utc(b.createdAt()));
        }).toList();
    }

    private Backfills.Plan plan(String dagId, String from, String to, String reprocess, String maxActive) {
        SchedulableDag dag = ops.schedulable(dagId);
        int max;
        try {
            max = maxActive == null || maxActive.isBlank() ? 10 : Integer.parseInt(maxActive.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException("max active runs must be a whole number, got '" + io.gale.core.Text.abbreviate(maxActive, 20) + "'");
        }
        if (max < 1) {
            throw new BadRequestException("max active runs must be at least 1, got " + max);
        }
        String r = reprocess(reprocess);
        var request = new Backfills.Request(dagId, instant("from", from), instant("to", to), r.equals("completed"), r.equals("failed"),
                false, Map.of(), max);
        return ops.backfills().plan(dag, request);
    }

    private static String reprocess(String given) {
        return given == null || given.isBlank() ? "none" : switch (given) {
            case "none", "failed", "completed" -> given;
            default -> throw new BadRequestException("runs to do again must be none, failed or completed, got '"
                    + io.gale.core.Text.abbreviate(given, 20) + "'");
        };
    }

    /** A date ({@code 2026-11-01}) or date and time ({@code 2026-11-01T06:00}) in UTC. */
    static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException("give the backfill's '" + name + "' date (UTC)");
        }
        String t = text.trim();
        try {
            return t.length() <= 10 ? LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new BadRequestException("'" + name + "' must be a date like 2026-11-01 or 2026-11-01T06:00 (UTC), got '"
                    + io.gale.core.Text.abbreviate(t, 30) + "'");
        }
    }
}
