package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.runtime.Engine;
import io.gale.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What standalone's web server prints: the admin's random password on the first start only. */
class WebCompanionTest {

    @TempDir
    Path home;

    @Test
    void standaloneFindsTheWebServerByDefaultAndTheModelServerOnlyWhenAsked() {
        Map<String, Boolean> byDefault = new java.util.TreeMap<>();
        java.util.ServiceLoader.load(io.gale.runtime.Companion.class).forEach(c -> byDefault.put(c.name(), c.startsByDefault()));
        assertThat(byDefault).isEqualTo(Map.of("serve", false, "webserver", true));
    }

    @Test
    void theAdminsPasswordIsPrintedOnceAndWorks() throws Exception {
        try (Engine engine = new Engine(GaleConfig.from(Map.of("GALE_HOME", home.toString())), TestDatabase.fresh(), DagBag.of(),
                Clock.systemUTC(), Map.of())) {
            StringWriter first = new StringWriter();
            String password;
            try (AutoCloseable server = new WebCompanion().start(engine, 0, new PrintWriter(first, true), new PrintWriter(System.err, true))) {
                Matcher m = Pattern.compile("Created user 'admin' with password (\\S+)").matcher(first.toString());
                assertThat(m.find()).as(first.toString()).isTrue();
                password = m.group(1);
                assertThat(password).hasSize(20);
            }
            StringWriter second = new StringWriter();
            try (AutoCloseable server = new WebCompanion().start(engine, 0, new PrintWriter(second, true), new PrintWriter(System.err, true))) {
                assertThat(second.toString()).contains("Log in as 'admin'").doesNotContain(password);
            }
            var users = new io.gale.web.auth.Users(engine.store(), Clock.systemUTC());
            assertThat(users.authenticate("admin", password)).isPresent();
            assertThat(users.authenticate("admin", password + "x")).isEmpty();
        }
    }
}
