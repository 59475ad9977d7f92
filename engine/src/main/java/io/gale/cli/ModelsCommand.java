package io.gale.cli;

import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale models}: the model registry (list, show, promote, rollback, delete). */
@Command(name = "models", description = "Registered models: versions, stages, promotion and rollback.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Promote.class,
                ModelsCommand.Rollback.class, ModelsCommand.Delete.class})
final class ModelsCommand extends Sub implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    static String num(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** A version as JSON shows it: snake_case keys, the stage by its name. */
    static Map<String, Object> view(ModelVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("version", v.version());
        m.put("stage", v.stage().id());
        m.put("score", v.score());
        m.put("metrics", v.metrics());
        m.put("params", v.params());
        m.put("artifact_uri", text(v.artifactUri()));
        m.put("storage_uri", v.storageUri() == null ? null : v.storageUri().toString());
        m.put("sha256", v.sha256());
        m.put("data_interval_start", v.dataIntervalStart());
        m.put("data_interval_end", v.dataIntervalEnd());
        m.put("dag_id", v.dagId());
        m.put("run_id", v.runId());
        m.put("created_at", v.createdAt());
        m.put("promoted_at", v.promotedAt());
        m.put("rolled_back_at", v.rolledBackAt());
        return m;
    }

    static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    @Command(name = "list", description = "List the models (one line each), or every version of one model.")
    static final class ListModels extends Sub implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A model: list its versions.")
        String name;

        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
        String output;

        @Override
        public Integer call() {
            boolean json = isJson(output);
            ModelRegistry models = clientWithoutDags().models();
            if (name != null) {
                List<ModelVersion> versions = models.versions(name);
                if (versions.isEmpty()) {
                    throw new ModelNotFoundException("model '" + name + "' is not registered: 'gale models list' shows the models");
                }
                if (json) {
                    json(versions.stream().map(ModelsCommand::view).toList());
                    return 0;
                }
                Table t = new Table("version", "stage", "score", "created_at", "run_id", "artifact");
                versions.forEach(v -> t.row(v.version(), v.stage().id(), num(v.score()), text(v.createdAt()),
                        text(v.runId()), v.location()));
                t.print(out());
                return 0;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String n : models.names()) {
                List<ModelVersion> versions = models.versions(n);
                ModelVersion production = versions.stream().filter(ModelVersion::current).findFirst().orElse(null);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", n);
                row.put("versions", versions.size());
                row.put("latest_version", versions.get(0).version());
                row.put("production_version", production == null ? null : production.version());
                row.put("production_score", production == null ? null : production.score());
                rows.add(row);
            }
            if (json) {
                json(rows);
            } else if (rows.isEmpty()) {
                out().println("No models registered.");
            } else {
                Table t = new Table("name", "versions", "latest_version", "production_version", "production_score");
                rows.forEach(r -> t.row(r.get("name"), r.get("versions"), r.get("latest_version"),
                        r.get("production_version") == null ? "None" : r.get("production_version"),
                        r.get("production_score") == null ? "" : num((Double) r.get("production_score"))));
                t.print(out());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show one version (default: the production version) with metrics and params.")
    static final class Show extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
        Integer version;

        @Override
        public Integer call() {
            ModelRegistry models = clientWithoutDags().models();
            ModelVersion v;
            if (version == null) {
                if (models.versions(name).isEmpty()) {
                    throw new ModelNotFoundException("model '" + name + "' is not registered: 'gale models list' shows the models");
                }
                v = models.production(name).orElseThrow(() -> new ModelNotFoundException("model '" + name
                        + "' has no production version: name a version ('gale models list " + name + "' shows them)"));
            } else {
                v = models.version(name, version).orElseThrow(() -> new ModelNotFoundException("model '" + name
                        + "' has no version " + version + ": 'gale models list " + name + "' shows them"));
            }
            json(view(v));
            return 0;
        }
    }

    @Command(name = "promote", description = "Make a version production; the previous production version is archived.")
    static final class Promote extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        @Override
        public Integer call() {
            ModelVersion before = clientWithoutDags().models().production(name).orElse(null);
            ModelVersion v = clientWithoutDags().models().promote(name, version);
            out().println("Model " + name + " version " + v.version() + " is production"
                    + (before == null || before.version() == v.version() ? "" : " (version " + before.version() + " archived)"));
            return 0;
        }
    }

    @Command(name = "rollback", description = "Put the version that was production before the current one back in production.")
    static final class Rollback extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            ModelVersion before = clientWithoutDags().models().production(name).orElse(null);
            ModelVersion v = clientWithoutDags().models().rollback(name);
            out().println("Model " + name + " rolled back: version " + v.version() + " is production"
                    + (before == null ? "" : ", version " + before.version() + " archived"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a version's registry entry (refused for the production version).")
    static final class Delete extends Sub implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        @Override
        public Integer call() {
            clientWithoutDags().models().delete(name, version);
            out().println("Deleted model " + name + " version " + version + " (its artifact files are left in place)");
            return 0;
        }
    }
}
