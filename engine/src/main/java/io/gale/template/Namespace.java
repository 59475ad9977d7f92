package io.gale.template;

import io.gale.core.Json;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A map a template reads with dots ({@code params.city}), which knows its own path so that a
 * missing key is reported as {@code 'params.cty' is undefined}. Nested maps and lists are wrapped
 * in turn. A namespace may also look keys up on demand ({@code var.value.KEY}); such keys are not
 * listed. Prints as JSON, or as the given display text ({@code dag} prints its id).
 */
class Namespace extends AbstractMap<String, Object> {

    /** What {@link #find} returns for a key that is not there (a key may hold null). */
    static final Object MISSING = new Object();

    private final String path;
    private final Map<String, Object> entries;
    private final Function<String, Object> lookup;
    private final String display;

    Namespace(String path, Map<String, ?> entries, Function<String, Object> lookup, String display) {
        this.path = path;
        Map<String, Object> wrapped = new LinkedHashMap<>();
        entries.forEach((k, v) -> wrapped.put(k, wrap(path + "." + k, v)));
        this.entries = wrapped;
        this.lookup = lookup;
        this.display = display;
    }

    Namespace(String path, Map<String, ?> entries) {
        this(path, entries, null, null);
    }

    /** A map or list made readable by path; anything else as it is. */
    static Object wrap(String path, Object value) {
        if (value instanceof Namespace) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return new Namespace(path, copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(wrap(path + "[" + i + "]", list.get(i)));
            }
            return copy;
        }
        return value;
    }

    String path() {
        return path;
    }

    /** The value under {@code key}, or {@link #MISSING}. */
    Object find(String key) {
        if (entries.containsKey(key)) {
            return entries.get(key);
        }
        return lookup == null ? MISSING : lookup.apply(key);
    }

    @Override
    public Object get(Object key) {
        Object v = find(String.valueOf(key));
        return v == MISSING ? null : v;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(String.valueOf(key)) != MISSING;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return entries.entrySet();
    }

    @Override
    public String toString() {
        if (display != null) {
            return display;
        }
        try {
            return Json.write(entries);
        } catch (RuntimeException e) {
            return entries.toString();
        }
    }
}
