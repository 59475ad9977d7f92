package io.gale.operators.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gale.config.ConfigException;
import io.gale.core.TaskKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Kubernetes executor's settings, from the environment:
 * <ul>
 * <li>{@code GALE_KUBERNETES_POD_TEMPLATE} (required): a YAML file holding one Pod, the template
 *     of every try's pod (image, resources, node selector, tolerations, env, volumes...);</li>
 * <li>{@code GALE_KUBERNETES_POD_TEMPLATE_<NAME>}: another template, named {@code <name>} in lower
 *     case (e.g. {@code GALE_KUBERNETES_POD_TEMPLATE_GPU} is {@code gpu});</li>
 * <li>{@code GALE_KUBERNETES_TASK_TEMPLATES}: which tasks use a named template, comma-separated
 *     {@code <dag_id>.<task_id>=<name>} where {@code *} matches any characters (first match wins),
 *     e.g. {@code recsys.train_*=gpu};</li>
 * <li>{@code GALE_KUBERNETES_NAMESPACE} (default: the client's namespace, else {@code default});</li>
 * <li>{@code GALE_KUBERNETES_PARALLELISM}: pods at once (default {@code GALE_PARALLELISM});</li>
 * <li>{@code GALE_KUBERNETES_PENDING_TIMEOUT}: how long a pod may fail to pull its image before
 *     its try fails, in seconds (default 300);</li>
 * <li>{@code GALE_KUBERNETES_API_RETRY_TIMEOUT}: how long a failing API call (5xx, connection
 *     refused) is retried with backoff before the try is given up, in seconds (default 300).</li>
 * </ul>
 *
 * @param templates   template name to pod; {@link #DEFAULT} is the one of {@code GALE_KUBERNETES_POD_TEMPLATE}
 * @param taskChoices task pattern to template name, in order
 * @param apiBackoff  the first wait before retrying an API call (doubling to 10 s)
 */
public record KubernetesSettings(String namespace, Map<String, Pod> templates, Map<Pattern, String> taskChoices,
                                 int parallelism, Duration pendingTimeout, Duration apiRetryTimeout, Duration apiBackoff) {

    /** The name of the template every task uses unless chosen otherwise. */
    public static final String DEFAULT = "default";
    static final String TEMPLATE = "GALE_KUBERNETES_POD_TEMPLATE";

    public KubernetesSettings {
        templates = Map.copyOf(templates);
        taskChoices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskChoices));
        if (!templates.containsKey(DEFAULT)) {
            throw new ConfigException(TEMPLATE + " is not set: name a YAML file holding the Pod every try runs in");
        }
        for (String name : taskChoices.values()) {
            if (!templates.containsKey(name)) {
                throw new ConfigException("GALE_KUBERNETES_TASK_TEMPLATES names template '" + name + "', but "
                        + TEMPLATE + "_" + name.toUpperCase(Locale.ROOT) + " is not set");
            }
        }
        if (parallelism < 1) {
            throw new ConfigException("GALE_KUBERNETES_PARALLELISM must be at least 1, got " + parallelism);
        }
    }

    /**
     * Reads the settings and parses every template.
     *
     * @param defaultNamespace the client's namespace, or null
     * @throws ConfigException one line naming the setting or file and what is wrong
     */
    public static KubernetesSettings from(Map<String, String> env, int defaultParallelism, String defaultNamespace) {
        Map<String, Pod> templates = new LinkedHashMap<>();
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (var e : new java.util.TreeMap<>(env).entrySet()) {
            if (e.getKey().equals(TEMPLATE)) {
                templates.put(DEFAULT, parse(yaml, e.getKey(), e.getValue()));
            } else if (e.getKey().startsWith(TEMPLATE + "_")) {
                String name = e.getKey().substring(TEMPLATE.length() + 1).toLowerCase(Locale.ROOT);
                templates.put(name, parse(yaml, e.getKey(), e.getValue()));
            }
        }
        Map<Pattern, String> choices = new LinkedHashMap<>();
        String tasks = env.getOrDefault("GALE_KUBERNETES_TASK_TEMPLATES", "").strip();
        for (String entry : tasks.isEmpty() ? new String[0] : tasks.split(",")) {
            String[] kv = entry.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigException("GALE_KUBERNETES_TASK_TEMPLATES: '" + entry.strip()
                        + "' is not <dag_id>.<task_id>=<template>, e.g. recsys.train_*=gpu");
            }
            List<String> parts = new ArrayList<>();
            for (String literal : kv[0].strip().split("\\*", -1)) {
                parts.add(Pattern.quote(literal));
            }
            choices.put(Pattern.compile(String.join(".*", parts)), kv[1].strip().toLowerCase(Locale.ROOT));
        }
        String ns = env.get("GALE_KUBERNETES_NAMESPACE");
        return new KubernetesSettings(ns != null && !ns.isBlank() ? ns.strip() : defaultNamespace != null ? defaultNamespace : "default",
                templates, choices, intSetting(env, "GALE_KUBERNETES_PARALLELISM", defaultParallelism),
                Duration.ofSeconds(intSetting(env, "GALE_KUBERNETES_PENDING_TIMEOUT", 300)),
                Duration.ofSeconds(intSetting(env, "GALE_KUBERNETES_API_RETRY_TIMEOUT", 300)), Duration.ofMillis(500));
    }

    /** The same settings with other retry times (tests). */
    public KubernetesSettings withTimes(Duration pending, Duration apiRetry, Duration backoff) {
        return new KubernetesSettings(namespace, templates, taskChoices, parallelism, pending, apiRetry, backoff);
    }

    /**
     * The template a task's pods are made from: the first {@code GALE_KUBERNETES_TASK_TEMPLATES}
     * pattern that matches it, else the template named as the task's queue (a task on queue
     * {@code gpu} gets {@code GALE_KUBERNETES_POD_TEMPLATE_GPU}), else the default one.
     */
    public String templateFor(TaskKey key, String queue) {
        String id = key.dagId() + "." + key.taskId();
        for (var c : taskChoices.entrySet()) {
            if (c.getKey().matcher(id).matches()) {
                return c.getValue();
            }
        }
        return queue != null && templates.containsKey(queue) ? queue : DEFAULT;
    }

    /** The container a try's command goes into: the one named {@code base} (Airflow's convention), else the first. */
    static Container mainContainer(Pod pod) {
        List<Container> cs = pod.getSpec().getContainers();
        return cs.stream().filter(c -> "base".equals(c.getName())).findFirst().orElse(cs.get(0));
    }

    private static Pod parse(KubernetesSerialization yaml, String setting, String file) {
        Path path = Path.of(file.strip());
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read the pod template " + path + " (" + oneLine(e.toString()) + ")");
        }
        Pod pod;
        try {
            pod = yaml.unmarshal(text, Pod.class);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new ConfigException(setting + ": the pod template " + path + " does not parse: " + oneLine(
                    root.getMessage() == null ? root.toString() : root.getMessage()));
        }
        String problem = pod == null ? "it is empty"
                : pod.getKind() != null && !"Pod".equals(pod.getKind()) ? "its kind is " + pod.getKind() + ", not Pod"
                : pod.getSpec() == null || pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()
                ? "it has no spec.containers"
                : mainContainer(pod).getImage() == null || mainContainer(pod).getImage().isBlank()
                ? "its container " + mainContainer(pod).getName() + " has no image" : null;
        if (problem != null) {
            throw new ConfigException(setting + ": the pod template " + path + " is not usable: " + problem);
        }
        return pod;
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static int intSetting(Map<String, String> env, String name, int defaultValue) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + v + "'");
        }
    }
}
