package io.gale.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Gale's settings, read from the environment ({@code GALE_*}) with sensible defaults.
 *
 * @param home               {@code GALE_HOME}: where the embedded database, dags and logs live (default {@code ~/gale})
 * @param databaseUrl        {@code GALE_DATABASE_URL}: a {@code jdbc:postgresql://} URL of an external server, or null for the embedded one
 * @param databaseUser       {@code GALE_DATABASE_USER}
 * @param databasePassword   {@code GALE_DATABASE_PASSWORD} (never printed)
 * @param dagsFolder         {@code GALE_DAGS_FOLDER} (default {@code $GALE_HOME/dags})
 * @param parallelism        {@code GALE_PARALLELISM}: task slots of the local executor (default 8)
 * @param pausedAtCreation   {@code GALE_DAGS_ARE_PAUSED_AT_CREATION} (default true, as Airflow)
 * @param dagDirListInterval {@code GALE_DAG_DIR_LIST_INTERVAL} in seconds: how often the dags folder is re-scanned (default 5)
 * @param heartbeat          {@code GALE_HEARTBEAT} in seconds: how often schedulers and running tries heartbeat (default 5)
 * @param zombieThreshold    {@code GALE_ZOMBIE_THRESHOLD} in seconds: a running try silent this long is taken over (default 60)
 * @param dagImportTimeout   {@code GALE_DAGBAG_IMPORT_TIMEOUT} in seconds: how long one DAG file may take to load (default 30, as Airflow)
 * @param standaloneDagProcessor {@code GALE_STANDALONE_DAG_PROCESSOR}: when true, schedulers leave reading DAG files to
 *                           a separate {@code gale dag-processor} (default false: each scheduler runs one)
 * @param executor           {@code GALE_EXECUTOR}: where a scheduler's tries run: {@code local} (default, threads of
 *                           the scheduler's process) or the name of an executor a module provides
 */
public record GaleConfig(Path home, String databaseUrl, String databaseUser, String databasePassword,
                         Path dagsFolder, int parallelism, boolean pausedAtCreation,
                         Duration dagDirListInterval, Duration heartbeat, Duration zombieThreshold,
                         Duration dagImportTimeout, boolean standaloneDagProcessor, String executor) {

    public static GaleConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static GaleConfig from(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("GALE_HOME", System.getProperty("user.home") + "/gale"))
                .toAbsolutePath().normalize();
        String url = blankToNull(env.get("GALE_DATABASE_URL"));
        if (url != null && !url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException("GALE_DATABASE_URL must be a jdbc:postgresql:// URL, e.g. jdbc:postgresql://localhost:5432/gale");
        }
        Path dags = env.containsKey("GALE_DAGS_FOLDER")
                ? Path.of(env.get("GALE_DAGS_FOLDER")).toAbsolutePath().normalize() : home.resolve("dags");
        return new GaleConfig(home, url, blankToNull(env.get("GALE_DATABASE_USER")),
                blankToNull(env.get("GALE_DATABASE_PASSWORD")), dags,
                intSetting(env, "GALE_PARALLELISM", 8),
                !"false".equalsIgnoreCase(env.getOrDefault("GALE_DAGS_ARE_PAUSED_AT_CREATION", "true")),
                Duration.ofSeconds(intSetting(env, "GALE_DAG_DIR_LIST_INTERVAL", 5)),
                Duration.ofSeconds(intSetting(env, "GALE_HEARTBEAT", 5)),
                Duration.ofSeconds(intSetting(env, "GALE_ZOMBIE_THRESHOLD", 60)),
                Duration.ofSeconds(intSetting(env, "GALE_DAGBAG_IMPORT_TIMEOUT", 30)),
                "true".equalsIgnoreCase(env.getOrDefault("GALE_STANDALONE_DAG_PROCESSOR", "false")),
                executorName(env.get("GALE_EXECUTOR")));
    }

    public GaleConfig withParallelism(int n) {
        return new GaleConfig(home, databaseUrl, databaseUser, databasePassword, dagsFolder, n, pausedAtCreation, dagDirListInterval, heartbeat, zombieThreshold, dagImportTimeout, standaloneDagProcessor, executor);
    }

    public GaleConfig withPausedAtCreation(boolean paused) {
        return new GaleConfig(home, databaseUrl, databaseUser, databasePassword, dagsFolder, parallelism, paused, dagDirListInterval, heartbeat, zombieThreshold, dagImportTimeout, standaloneDagProcessor, executor);
    }

    public GaleConfig withDagDirListInterval(Duration interval) {
        return new GaleConfig(home, databaseUrl, databaseUser, databasePassword, dagsFolder, parallelism, pausedAtCreation, interval, heartbeat, zombieThreshold, dagImportTimeout, standaloneDagProcessor, executor);
    }

    public boolean embeddedDatabase() {
        return databaseUrl == null;
    }

    /** Where compiled DAG sources are kept between processes. */
    public Path dagCacheDir() {
        return home.resolve("cache").resolve("dags");
    }

    /** Where task instances get their working directories. */
    public Path workRoot() {
        return home.resolve("work");
    }

    private static int intSetting(Map<String, String> env, String name, int dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a positive whole number, got '" + v + "'");
        }
    }

    private static String executorName(String v) {
        if (v == null || v.isBlank()) {
            return "local";
        }
        String name = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (!name.matches("[a-z][a-z0-9_-]{0,39}")) {
            throw new ConfigException("GALE_EXECUTOR must be an executor's name such as local, got '" + v + "'");
        }
        return name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "GaleConfig[home=" + home + ", databaseUrl=" + io.gale.core.Secrets.mask(databaseUrl, databasePassword)
                + ", dagsFolder=" + dagsFolder
                + ", parallelism=" + parallelism + ", executor=" + executor + "]";
    }
}
