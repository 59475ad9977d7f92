package io.gale.web.api;

import io.gale.client.Operations;
import io.gale.client.Pools;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@code /pools}: Airflow's pool endpoints (list, get, create, patch, delete), in Airflow's shapes. */
final class PoolsApi {

    /** Airflow's PoolResponse (Gale has no deferred tasks and no teams). */
    record PoolResponse(String name, int slots, String description, boolean includeDeferred, int occupiedSlots,
                        int runningSlots, int queuedSlots, int scheduledSlots, int openSlots, int deferredSlots, String teamName) {
    }

    /** Airflow's PoolCollectionResponse. */
    record PoolCollection(List<PoolResponse> pools, int totalEntries) {
    }

    private final Operations ops;

    PoolsApi(Operations ops) {
        this.ops = ops;
    }

    static PoolResponse shape(Pools.Status p) {
        return new PoolResponse(p.name(), p.slots(), p.description(), false, p.queued() + p.running(), p.running(), p.queued(), 0,
                p.open(), 0, null);
    }

    void list(Context ctx) {
        Requests.Page page = Requests.page(ctx);
        String pattern = ctx.queryParam("pool_name_pattern");
        Comparator<PoolResponse> order = Lists.order(Requests.listQuery(ctx, "order_by"), "id", Map.of(
                "id", Lists.by(PoolResponse::name), "name", Lists.by(PoolResponse::name), "pool", Lists.by(PoolResponse::name),
                "slots", Lists.by(PoolResponse::slots), "open_slots", Lists.by(PoolResponse::openSlots)));
        List<PoolResponse> all = ops.pools().list().stream().filter(p -> pattern == null || DagsApi.like(p.name(), pattern))
                .map(PoolsApi::shape).sorted(order).toList();
        ctx.json(new PoolCollection(page.of(all), all.size()));
    }

    void get(Context ctx) {
        ctx.json(shape(ops.pools().get(ctx.pathParam("pool_name"))));
    }

    void create(Context ctx) {
        Requests.Body body = Requests.body(ctx, false);
        String name = body.string("name", true);
        int slots = body.integer("slots", true);
        ctx.status(201).json(shape(ops.pools().create(name, slots, body.string("description", false))));
    }

    void patch(Context ctx) {
        String name = ctx.pathParam("pool_name");
        Pools.Status current = ops.pools().get(name);
        Requests.Body body = Requests.body(ctx, false);
        List<String> mask = Requests.listQuery(ctx, "update_mask");
        boolean slotsGiven = body.has("slots") && (mask.isEmpty() || mask.contains("slots"));
        boolean descriptionGiven = body.has("description") && (mask.isEmpty() || mask.contains("description"));
        Integer slots = slotsGiven ? body.integer("slots", false) : null;
        String description = descriptionGiven ? body.string("description", false) : null;
        ctx.json(shape(ops.pools().set(name, slots == null ? current.slots() : slots,
                descriptionGiven && description == null ? "" : description)));
    }

    void delete(Context ctx) {
        ops.pools().delete(ctx.pathParam("pool_name"));
        ctx.status(204);
    }
}
