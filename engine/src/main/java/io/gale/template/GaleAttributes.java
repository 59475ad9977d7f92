package io.gale.template;

import io.pebbletemplates.pebble.attributes.AttributeResolver;
import io.pebbletemplates.pebble.attributes.ResolvedAttribute;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.node.ArgumentsNode;
import io.pebbletemplates.pebble.template.EvaluationContextImpl;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Resolves what Gale puts in a template before Pebble's own resolver: keys of a
 * {@link Namespace} (a missing one is {@link Undefined} with its path), {@code ti.xcom_pull(...)}
 * and the attributes and methods of a {@link TemplateDate}.
 */
final class GaleAttributes implements AttributeResolver {

    @Override
    public ResolvedAttribute resolve(Object instance, Object attributeNameValue, Object[] argumentValues,
                                     ArgumentsNode args, EvaluationContextImpl context, String filename, int lineNumber) {
        String name = String.valueOf(attributeNameValue);
        try {
            if (instance instanceof TaskInstanceView ti && name.equals("xcom_pull") && args != null) {
                return new ResolvedAttribute(ti.xcomPull(positional(argumentValues), Map.of()));
            }
            if (instance instanceof Namespace ns && args == null) {
                Object v = ns.find(name);
                if (v == Namespace.MISSING) {
                    throw new Undefined(ns.path() + "." + name, lineNumber, filename);
                }
                return new ResolvedAttribute(v);
            }
            if (instance instanceof TemplateDate d) {
                return date(d, name, positional(argumentValues));
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new PebbleException(e, e.getMessage(), lineNumber, filename);
        }
        return null;
    }

    private static ResolvedAttribute date(TemplateDate d, String name, List<Object> a) {
        Object v = switch (name) {
            case "year" -> d.value().getYear();
            case "month" -> d.value().getMonthValue();
            case "day" -> d.value().getDayOfMonth();
            case "hour" -> d.value().getHour();
            case "minute" -> d.value().getMinute();
            case "second" -> d.value().getSecond();
            case "microsecond" -> d.value().getNano() / 1000;
            case "isoformat" -> d.isoformat();
            case "timestamp" -> d.value().getNano() == 0 ? (Object) d.value().toEpochSecond()
                    : java.math.BigDecimal.valueOf(d.value().toEpochSecond()).add(java.math.BigDecimal.valueOf(d.value().getNano(), 9));
            case "strftime" -> d.strftime(String.valueOf(one(name, a)));
            case "in_timezone", "in_tz" -> d.inTimezone(String.valueOf(one(name, a)));
            default -> null;
        };
        return v == null ? null : new ResolvedAttribute(v);
    }

    private static Object one(String method, List<Object> a) {
        if (a.size() != 1) {
            throw new IllegalArgumentException(method + " takes one argument");
        }
        return a.get(0);
    }

    private static List<Object> positional(Object[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
