package io.gale.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.dagbag.DagBag;
import io.gale.executor.Executor;
import io.gale.executor.LocalExecutor;
import io.gale.store.Database;
import io.gale.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorChoiceTest {

    @TempDir
    Path home;

    private Executor chosen(Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("GALE_HOME", home.toString());
        Database db = TestDatabase.fresh();
        Engine engine = new Engine(GaleConfig.from(all), db, DagBag.of(), Clock.systemUTC(), Map.of());
        return engine.newSchedulerExecutor();
    }

    @Test
    void theLocalExecutorIsTheDefaultAndAnUnknownNameIsAOneLineError() {
        try (Executor e = chosen(Map.of())) {
            assertThat(e).isInstanceOf(LocalExecutor.class);
        }
        try (Executor e = chosen(Map.of("GALE_EXECUTOR", " Local "))) {
            assertThat(e).isInstanceOf(LocalExecutor.class);
        }
        assertThatThrownBy(() -> chosen(Map.of("GALE_EXECUTOR", "celery")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("GALE_EXECUTOR names no executor: 'celery' (known: local");
        assertThatThrownBy(() -> GaleConfig.from(Map.of("GALE_EXECUTOR", "../x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GALE_EXECUTOR must be");
    }
}
