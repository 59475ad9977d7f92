package io.gale.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.api.Connection;
import io.gale.core.GaleException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GALE_CONN_<ID> in Airflow's two forms: a URI, or JSON. */
class ConnectionParsingTest {

    @Test
    void uriForm() {
        Connection c = RunningTaskContext.parseConnection("pg", "postgres://u:p%40ss@db:5432/gale?sslmode=require");
        assertThat(c).isEqualTo(new Connection("pg", "postgres", "db", 5432, "gale", "u", "p@ss", Map.of("sslmode", "require")));
    }

    @Test
    void jsonFormWithExtraAsObjectOrAsString() {
        Connection c = RunningTaskContext.parseConnection("gcs", """
                {"conn_type": "google_cloud_platform", "host": "h", "port": 4443, "login": "l", "password": "secret",
                 "extra": {"key_path": "/keys/sa.json", "project": "p", "num_retries": 5}}""");
        assertThat(c).isEqualTo(new Connection("gcs", "google_cloud_platform", "h", 4443, null, "l", "secret",
                Map.of("key_path", "/keys/sa.json", "project", "p", "num_retries", "5")));
        assertThat(c.toString()).doesNotContain("secret");

        Connection s = RunningTaskContext.parseConnection("gcs", "{\"conn_type\": \"gcp\", \"extra\": \"{\\\"project\\\": \\\"q\\\"}\"}");
        assertThat(s.extra()).containsExactly(Map.entry("project", "q"));
        assertThat(s.password()).isNull();
    }

    @Test
    void malformedJsonNamesTheVariableButNotTheContent() {
        assertThatThrownBy(() -> RunningTaskContext.parseConnection("gcs", "{\"password\": \"hunter2\", "))
                .isInstanceOf(GaleException.class)
                .hasMessageStartingWith("connection 'gcs' from GALE_CONN_GCS is not valid JSON")
                .message().doesNotContain("hunter2");
    }
}
