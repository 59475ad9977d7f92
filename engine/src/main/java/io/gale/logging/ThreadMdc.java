package io.gale.logging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/**
 * The MDC of {@link JsonLogProvider}: per thread and not inherited (slf4j's BasicMDCAdapter copies
 * it into every thread started while it is set, so a pool thread started during a try would keep
 * that try's ids for good). Gale copies the ids into the threads it starts for a try.
 */
final class ThreadMdc implements MDCAdapter {

    private final ThreadLocal<Map<String, String>> values = new ThreadLocal<>();
    private final ThreadLocal<Map<String, Deque<String>>> deques = new ThreadLocal<>();

    @Override
    public void put(String key, String val) {
        Map<String, String> m = values.get();
        if (m == null) {
            m = new HashMap<>();
            values.set(m);
        }
        m.put(key, val);
    }

    @Override
    public String get(String key) {
        Map<String, String> m = values.get();
        return m == null ? null : m.get(key);
    }

    @Override
    public void remove(String key) {
        Map<String, String> m = values.get();
        if (m != null) {
            m.remove(key);
        }
    }

    @Override
    public void clear() {
        values.remove();
    }

    @Override
    public Map<String, String> getCopyOfContextMap() {
        Map<String, String> m = values.get();
        return m == null ? null : new HashMap<>(m);
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
        values.set(new HashMap<>(contextMap));
    }

    @Override
    public void pushByKey(String key, String value) {
        Map<String, Deque<String>> m = deques.get();
        if (m == null) {
            m = new HashMap<>();
            deques.set(m);
        }
        m.computeIfAbsent(key, k -> new ArrayDeque<>()).push(value);
    }

    @Override
    public String popByKey(String key) {
        Map<String, Deque<String>> m = deques.get();
        Deque<String> d = m == null ? null : m.get(key);
        return d == null ? null : d.poll();
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        Map<String, Deque<String>> m = deques.get();
        Deque<String> d = m == null ? null : m.get(key);
        return d == null ? null : new ArrayDeque<>(d);
    }

    @Override
    public void clearDequeByKey(String key) {
        Map<String, Deque<String>> m = deques.get();
        if (m != null) {
            m.remove(key);
        }
    }
}
