package io.gale.web.api;

import io.gale.core.BadRequestException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Ordering of list endpoints by Airflow's {@code order_by} ({@code field} or {@code -field}). */
final class Lists {

    private Lists() {
    }

    /**
     * The comparator {@code orderBy} names among {@code fields} (nulls first), or a 400 naming
     * the attributes that may be used, as Airflow answers.
     */
    static <T> Comparator<T> order(List<String> orderBy, String fallback, Map<String, Comparator<T>> fields) {
        List<String> keys = orderBy.isEmpty() ? List.of(fallback) : orderBy;
        Comparator<T> result = null;
        for (String key : keys) {
            boolean descending = key.startsWith("-");
            String name = descending ? key.substring(1) : key;
            Comparator<T> c = fields.get(name);
            if (c == null) {
                throw new BadRequestException("Ordering with '" + name + "' is disallowed or the attribute does not exist on the model: use one of "
                        + String.join(", ", new java.util.TreeSet<>(fields.keySet())));
            }
            c = descending ? c.reversed() : c;
            result = result == null ? c : result.thenComparing(c);
        }
        return result;
    }

    static <T, U extends Comparable<? super U>> Comparator<T> by(java.util.function.Function<T, U> key) {
        return Comparator.comparing(key, Comparator.nullsFirst(Comparator.naturalOrder()));
    }
}
