package io.gale.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gale.web.Problem;
import io.gale.web.WebServer;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a request carries and rejects what does not fit with 422 in FastAPI's shape:
 * JSON bodies (an object, fields of the right type) and query parameters (limits, booleans,
 * dates, lists).
 */
final class Requests {

    /** Airflow's {@code maximum_page_limit}: larger limits are capped to it. */
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;

    private Requests() {
    }

    /** A page of a list: at most {@code limit} items from {@code offset}. */
    record Page(int limit, int offset) {
        <T> List<T> of(List<T> all) {
            if (offset >= all.size()) {
                return List.of();
            }
            return all.subList(offset, Math.min(all.size(), offset + limit));
        }
    }

    static Page page(Context ctx) {
        int limit = Math.min(MAX_LIMIT, intQuery(ctx, "limit", DEFAULT_LIMIT, 0));
        int offset = intQuery(ctx, "offset", 0, 0);
        return new Page(limit, offset);
    }

    static int intQuery(Context ctx, String name, int fallback, int min) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw Problem.of("int_parsing", List.of("query", name), "Input should be a valid integer, unable to parse string as an integer", v);
        }
        if (n < min) {
            throw Problem.of("greater_than_equal", List.of("query", name), "Input should be greater than or equal to " + min, v);
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    static Boolean boolQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw Problem.of("bool_parsing", List.of("query", name), "Input should be a valid boolean, unable to interpret input", v);
        };
    }

    /** The values of a repeated parameter ({@code ?state=a&state=b}, also {@code state=a,b}). */
    static List<String> listQuery(Context ctx, String name) {
        List<String> out = new ArrayList<>();
        for (String v : ctx.queryParams(name)) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    static Instant instantQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? null : instant(v, List.of("query", name));
    }

    /** The path parameter as an integer, or 422. */
    static long longPath(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Problem.of("int_parsing", List.of("path", name), "Input should be a valid integer, unable to parse string as an integer", v);
        }
    }

    /** The JSON body: an object, or 422. An empty body reads as an empty object when {@code emptyOk}. */
    static Body body(Context ctx, boolean emptyOk) {
        String text = ctx.body();
        if (text.isBlank() && emptyOk) {
            return new Body(WebServer.JSON.createObjectNode());
        }
        JsonNode node;
        try {
            node = WebServer.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
            throw Problem.of("json_invalid", List.of("body", at), "JSON decode error", Map.of());
        }
        if (node == null || node.isMissingNode()) {
            if (emptyOk) {
                return new Body(WebServer.JSON.createObjectNode());
            }
            throw Problem.of("missing", List.of("body"), "Field required", null);
        }
        if (!node.isObject()) {
            throw Problem.of("model_attributes_type", List.of("body"), "Input should be a valid dictionary or object to extract fields from", node);
        }
        return new Body((ObjectNode) node);
    }

    static Instant instant(String text, List<Object> loc) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                throw Problem.of("datetime_from_date_parsing", loc, "Input should be a valid datetime with a timezone offset", text);
            }
        }
    }

    /** A JSON type a body field may be asked for: FastAPI's error type and message, the check and the conversion. */
    private record Kind<T>(String type, String message, java.util.function.Predicate<JsonNode> fits,
                           java.util.function.Function<JsonNode, T> convert) {
        static final Kind<String> STRING = new Kind<>("string_type", "Input should be a valid string", JsonNode::isTextual, JsonNode::asText);
        static final Kind<Boolean> BOOL = new Kind<>("bool_type", "Input should be a valid boolean", JsonNode::isBoolean, JsonNode::asBoolean);
        static final Kind<Integer> INT = new Kind<>("int_type", "Input should be a valid integer",
                v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::asInt);
        static final Kind<Map<String, Object>> OBJECT = new Kind<>("dict_type", "Input should be a valid dictionary", JsonNode::isObject,
                v -> WebServer.JSON.convertValue(v, new TypeReference<LinkedHashMap<String, Object>>() { }));
    }

    /** A JSON object body with typed getters; a field of the wrong type is 422 naming it. */
    record Body(ObjectNode node) {

        boolean has(String name) {
            JsonNode v = node.get(name);
            return v != null && !v.isNull();
        }

        String string(String name, boolean required) {
            return read(name, required, Kind.STRING);
        }

        Boolean bool(String name, boolean required) {
            return read(name, required, Kind.BOOL);
        }

        Integer integer(String name, boolean required) {
            return read(name, required, Kind.INT);
        }

        /** The field as a value of {@code kind}: null when absent (or 422 when required), 422 naming it when of another type. */
        private <T> T read(String name, boolean required, Kind<T> kind) {
            JsonNode v = value(name, required);
            if (v == null) {
                return null;
            }
            if (!kind.fits().test(v)) {
                throw Problem.of(kind.type(), loc(name), kind.message(), v);
            }
            return kind.convert().apply(v);
        }

        Instant instant(String name, boolean required) {
            String s = string(name, required);
            return s == null ? null : Requests.instant(s, loc(name));
        }

        Map<String, Object> object(String name) {
            return read(name, false, Kind.OBJECT);
        }

        List<String> strings(String name) {
            JsonNode v = value(name, false);
            if (v == null) {
                return null;
            }
            if (!v.isArray()) {
                throw Problem.of("list_type", loc(name), "Input should be a valid list", v);
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw Problem.of("string_type", List.of("body", name, i), "Input should be a valid string", v.get(i));
                }
                out.add(v.get(i).asText());
            }
            return out;
        }

        /**
         * Task ids as Airflow's clear bodies give them: each a string, or a pair
         * {@code [task_id, map_index]} whose map index must be -1 (Gale has no mapped tasks).
         */
        List<String> taskIds(String name) {
            JsonNode v = value(name, false);
            if (v == null) {
                return null;
            }
            if (!v.isArray()) {
                throw Problem.of("list_type", loc(name), "Input should be a valid list", v);
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (item.isTextual()) {
                    out.add(item.asText());
                } else if (item.isArray() && item.size() == 2 && item.get(0).isTextual() && item.get(1).isIntegralNumber()) {
                    if (item.get(1).asInt() != -1) {
                        throw new io.gale.core.NotFoundException("Gale has no mapped task instances: only map_index -1 exists");
                    }
                    out.add(item.get(0).asText());
                } else {
                    throw Problem.of("string_type", List.of("body", name, i), "Input should be a valid string or a [task_id, map_index] pair", item);
                }
            }
            return out;
        }

        /** The enum value named by a string field, or 422 listing the allowed values. */
        String oneOf(String name, boolean required, String... allowed) {
            String s = string(name, required);
            if (s != null && !List.of(allowed).contains(s)) {
                throw Problem.of("enum", loc(name), "Input should be " + String.join(", ", allowed), s);
            }
            return s;
        }

        private JsonNode value(String name, boolean required) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (required) {
                    throw Problem.of("missing", loc(name), "Field required", node);
                }
                return null;
            }
            return v;
        }

        private static List<Object> loc(String name) {
            return List.of("body", name);
        }
    }
}
