package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gale.web.api.ApiRoutes;
import io.gale.web.api.OpenApiRoutes;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Gale's OpenAPI document lists exactly the routes the server implements. */
class OpenApiDocumentTest {

    @Test
    void theDocumentListsExactlyTheImplementedRoutes() {
        Set<String> routes = ApiRoutes.table(null).stream()
                .map(r -> r.method().name().toLowerCase(Locale.ROOT) + " " + r.path())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>();
        JsonNode doc = OpenApiRoutes.document();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters") && !p.getKey().equals("/auth/token")) {
                documented.add(m + " " + p.getKey());
            }
        }));
        assertThat(documented).as("regenerate with webui/src/build/openapi_subset.py").isEqualTo(routes);
        assertThat(doc.get("paths").has("/auth/token")).isTrue();
        // every schema a path refers to is in the document
        String text = doc.toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#/components/schemas/([A-Za-z0-9_]+)").matcher(text);
        while (m.find()) {
            assertThat(doc.get("components").get("schemas").has(m.group(1))).as(m.group(1)).isTrue();
        }
    }
}
