package io.gale.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gale.client.Operations;
import io.gale.core.Secrets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Hides secrets in what the API shows: connection passwords and the values of variables whose
 * key contains {@code password}, {@code secret}, {@code token} or {@code key} wherever they
 * appear (logs, XComs), and every JSON field with such a name.
 */
final class Masking {

    private final String[] secrets;

    private Masking(List<String> secrets) {
        this.secrets = secrets.toArray(String[]::new);
    }

    static Masking of(Operations operations) {
        return new Masking(operations.secretValues());
    }

    String text(String text) {
        return Secrets.mask(text, secrets);
    }

    /** A JSON value with secret values and sensitive fields masked. */
    JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return new TextNode(text(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                copy.set(f.getKey(), Operations.isSensitiveName(f.getKey()) && !f.getValue().isContainerNode()
                        ? new TextNode(Secrets.MASK) : json(f.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = node.deepCopy();
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) copy).set(i, json(node.get(i)));
            }
            return copy;
        }
        return node;
    }
}
