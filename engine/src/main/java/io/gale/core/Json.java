package io.gale.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
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

    /** Parses user-supplied conf: a JSON object, or a one-line error saying what is wrong. */
    public static Map<String, Object> conf(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Object v = MAPPER.readValue(json, Object.class);
            if (!(v instanceof Map)) {
                throw new BadRequestException("conf must be a JSON object such as '{\"key\": \"value\"}', got: " + json);
            }
            return MAPPER.convertValue(v, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new BadRequestException("conf is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "): pass a JSON object such as '{\"key\": \"value\"}'");
        }
    }
}
