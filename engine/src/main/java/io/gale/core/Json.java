package io.gale.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON mapper of Gale: XCom values, conf and {@code -o json} output. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GaleException("cannot convert " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GaleException("cannot convert to JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new GaleException("cannot read JSON as " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses user-supplied conf: one JSON object and nothing after it, or a one-line error
     * saying what is wrong that quotes at most a few dozen characters of the input.
     */
    public static Map<String, Object> conf(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Object v;
        try {
            v = MAPPER.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(json);
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            if (reason.startsWith("Trailing token")) {
                reason = "more content after the JSON object";
            }
            var at = e.getLocation();
            throw new BadRequestException("conf is not valid JSON ("
                    + Text.abbreviate(reason.replaceAll("'([^'\\s]{40})[^'\\s]+'", "'$1" + Text.ELLIPSIS + "'"), 160)
                    + (at == null || at.getCharOffset() < 0 ? "" : ", at character " + (at.getCharOffset() + 1))
                    + "): pass one JSON object such as '{\"key\": \"value\"}'");
        }
        if (!(v instanceof Map)) {
            String kind = v instanceof java.util.List ? "an array" : v instanceof String ? "a string"
                    : v instanceof Boolean ? "a boolean" : v == null ? "null" : "a number";
            throw new BadRequestException("conf must be a JSON object such as '{\"key\": \"value\"}', got " + kind
                    + ": " + Text.abbreviate(json.strip(), 40));
        }
        return MAPPER.convertValue(v, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
