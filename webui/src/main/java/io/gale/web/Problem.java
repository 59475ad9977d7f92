package io.gale.web;

import java.util.List;
import java.util.Map;

/**
 * A request the API rejects with 422, answered as FastAPI (and so Airflow) does:
 * {@code {"detail": [{"type", "loc", "msg", "input"}]}}.
 */
public final class Problem extends RuntimeException {

    /** One finding: where ({@code ["body", "conf"]}, {@code ["query", "limit"]}) and what. */
    public record Item(String type, List<Object> loc, String msg, Object input) {
    }

    private final List<Item> items;

    public Problem(List<Item> items) {
        super(items.isEmpty() ? "invalid request" : items.get(0).msg());
        this.items = List.copyOf(items);
    }

    /** One finding. */
    public static Problem of(String type, List<Object> loc, String msg, Object input) {
        return new Problem(List.of(new Item(type, loc, msg, input)));
    }

    /** The JSON body. */
    public Map<String, Object> body() {
        return Map.of("detail", items);
    }
}
