package io.gale.operators.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.config.ConfigException;
import io.gale.config.GaleConfig;
import io.gale.core.TaskKey;
import io.gale.runtime.Engine;
import io.gale.testing.Harness;
import io.gale.testing.Dags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pod templates that cannot be used stop the scheduler at start with one line; names and labels fit Kubernetes. */
class PodTemplateTest {

    @TempDir
    Path home;

    private static ConfigException startFails(Map<String, String> env) {
        return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> KubernetesSettings.from(env, 4, null));
    }

    private static void oneLine(Throwable e, String... parts) {
        assertThat(e).isInstanceOf(ConfigException.class);
        assertThat(e.getMessage()).contains(parts).doesNotContain("\n");
    }

    @Test
    void aTemplateThatDoesNotParseIsAOneLineErrorAtSchedulerStart() throws Exception {
        Path bad = Files.writeString(home.resolve("bad.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: base\n"
                + "      image: [unclosed\n");
        Map<String, String> env = new HashMap<>(Map.of("GALE_HOME", home.toString(), "GALE_EXECUTOR", "kubernetes",
                "GALE_KUBERNETES_POD_TEMPLATE", bad.toString()));
        try (Harness h = new Harness(home, Dags.single("d"))) {
            Engine engine = new Engine(GaleConfig.from(env), h.db, h.bag, h.clock, env);
            assertThatThrownBy(engine::newSchedulerExecutor).isInstanceOf(ConfigException.class)
                    .satisfies(e -> oneLine(e, "GALE_KUBERNETES_POD_TEMPLATE: the pod template " + bad + " does not parse: "));
        }
        // the parser's reason is in it
        assertThat(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", bad.toString())).getMessage()).containsIgnoringCase("flow sequence");
    }

    @Test
    void otherUnusableTemplatesAndSettingsAreOneLineErrorsToo() throws Exception {
        Path deployment = Files.writeString(home.resolve("deploy.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n");
        Path noImage = Files.writeString(home.resolve("noimage.yaml"), "kind: Pod\nspec:\n  containers:\n    - name: base\n");
        Path good = KubernetesExecutorTest.template("pod.yaml");
        oneLine(startFails(Map.of()), "GALE_KUBERNETES_POD_TEMPLATE is not set");
        oneLine(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", home.resolve("missing.yaml").toString())),
                "cannot read the pod template " + home.resolve("missing.yaml"));
        oneLine(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", deployment.toString())), deployment.toString(),
                "not usable", "Deployment");
        oneLine(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", good.toString(), "GALE_KUBERNETES_POD_TEMPLATE_GPU",
                noImage.toString())), "GALE_KUBERNETES_POD_TEMPLATE_GPU", "has no image");
        oneLine(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", good.toString(), "GALE_KUBERNETES_TASK_TEMPLATES", "train.fit=gpu")),
                "names template 'gpu'", "GALE_KUBERNETES_POD_TEMPLATE_GPU is not set");
        oneLine(startFails(Map.of("GALE_KUBERNETES_POD_TEMPLATE", good.toString(), "GALE_KUBERNETES_TASK_TEMPLATES", "train.fit")),
                "'train.fit' is not <dag_id>.<task_id>=<template>");
    }

    @Test
    void tasksChooseTheirTemplateByPattern() throws Exception {
        KubernetesSettings s = KubernetesExecutorTest.settings();
        assertThat(s.templateFor(new TaskKey("train", "r", "fit_model"), "default")).isEqualTo("gpu");
        assertThat(s.templateFor(new TaskKey("train", "r", "prepare"), "default")).isEqualTo(KubernetesSettings.DEFAULT);
        assertThat(s.templateFor(new TaskKey("other", "r", "fit_model"), "default")).isEqualTo(KubernetesSettings.DEFAULT);
        // no pattern matches: a task's queue names its template when there is one of that name
        assertThat(s.templateFor(new TaskKey("other", "r", "fit_model"), "gpu")).isEqualTo("gpu");
        assertThat(s.templateFor(new TaskKey("other", "r", "fit_model"), "github")).isEqualTo(KubernetesSettings.DEFAULT);
        assertThat(s.namespace()).isEqualTo(MockCluster.NAMESPACE);
    }

    @Test
    void podNamesAndLabelValuesFitKubernetesAndStayDistinct() {
        String longId = "a_very_long_dag_id_that_goes_on_and_on_well_past_what_kubernetes_allows_in_a_name";
        TaskKey key = new TaskKey(longId, "manual__2026-01-01T00:00:00+00:00", "Task.With_Odd*Chars");
        String name = PodNames.pod(key, 1);
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(PodNames.pod(key, 1)).as("deterministic").isEqualTo(name);
        assertThat(PodNames.pod(key, 2)).isNotEqualTo(name);
        assertThat(PodNames.pod(new TaskKey(longId, "manual__2026-01-02T00:00:00+00:00", key.taskId()), 1)).isNotEqualTo(name);

        assertThat(PodNames.label("train")).isEqualTo("train");
        String run = PodNames.label(key.runId());
        assertThat(run).matches("[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]").startsWith("manual__2026-01-01T00-00-00-00-00");
        assertThat(PodNames.label(longId)).hasSizeLessThanOrEqualTo(63).isNotEqualTo(PodNames.label(longId + "x"));
        assertThat(PodNames.label("--")).matches("[a-f0-9]{9}");
    }
}
