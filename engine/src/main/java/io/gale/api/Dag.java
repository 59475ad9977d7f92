package io.gale.api;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jgrapht.Graph;
import org.jgrapht.alg.cycle.JohnsonSimpleCycles;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * A validated, immutable DAG of tasks. Build one with {@link #builder(String)}:
 * <pre>{@code
 * var dag = Dag.builder("train_batch").schedule("@hourly")
 *     .startDate(ZonedDateTime.of(2022, 6, 2, 22, 30, 0, 0, ZoneId.of("Asia/Seoul")));
 * var prep = dag.task("preprocess", ctx -> "data.csv");
 * var train = dag.task("train", ctx -> ctx.xcomPull("preprocess", String.class)).retries(2);
 * prep.then(train);
 * return dag.build();
 * }</pre>
 * The schedule string is checked when Gale loads the DAG (cron or preset); everything else is
 * checked by {@link Builder#build()}.
 */
public final class Dag {

    /** Airflow's rule for DAG and task ids. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,250}");
    public static final int DEFAULT_MAX_ACTIVE_RUNS = 16;
    public static final int DEFAULT_MAX_ACTIVE_TASKS = 16;

    private final String id;
    private final String description;
    private final List<String> tags;
    private final String schedule;
    private final Duration scheduleInterval;
    private final ZonedDateTime startDate;
    private final ZonedDateTime endDate;
    private final boolean catchup;
    private final int maxActiveRuns;
    private final int maxActiveTasks;
    private final Map<String, Object> params;
    private final Map<String, Task> tasks;
    private final List<String> topologicalOrder;
    private final Map<String, List<String>> downstream;

    private Dag(Builder b, List<String> order, Map<String, List<String>> downstream) {
        this.id = b.id;
        this.description = b.description;
        this.tags = List.copyOf(b.tags);
        this.schedule = b.schedule;
        this.scheduleInterval = b.scheduleInterval;
        this.startDate = b.startDate;
        this.endDate = b.endDate;
        this.catchup = b.catchup;
        this.maxActiveRuns = b.maxActiveRuns;
        this.maxActiveTasks = b.maxActiveTasks;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.tasks = Collections.unmodifiableMap(new LinkedHashMap<>(b.tasks));
        this.topologicalOrder = List.copyOf(order);
        this.downstream = downstream;
    }

    /** Starts a DAG with the given id (letters, digits, {@code _ . -}, at most 250 characters). */
    public static Builder builder(String dagId) {
        return new Builder(dagId);
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public List<String> tags() {
        return tags;
    }

    /** The schedule as written (cron, preset or {@code null} for manual runs only). */
    public String schedule() {
        return schedule;
    }

    /** A fixed interval schedule, or {@code null} when the schedule is a string. */
    public Duration scheduleInterval() {
        return scheduleInterval;
    }

    /** The start date, or {@code null} for a DAG that only runs when triggered. */
    public ZonedDateTime startDate() {
        return startDate;
    }

    public ZonedDateTime endDate() {
        return endDate;
    }

    /** The DAG's timezone: the start date's zone, UTC when there is no start date. */
    public ZoneId timezone() {
        return startDate == null ? ZoneId.of("UTC") : startDate.getZone();
    }

    public boolean catchup() {
        return catchup;
    }

    public int maxActiveRuns() {
        return maxActiveRuns;
    }

    public int maxActiveTasks() {
        return maxActiveTasks;
    }

    /** Params with their defaults; a run's conf overrides them. */
    public Map<String, Object> params() {
        return params;
    }

    /** Tasks by id, in the order they were declared. */
    public Map<String, Task> tasks() {
        return tasks;
    }

    public Task task(String taskId) {
        return tasks.get(taskId);
    }

    /** Task ids in a deterministic topological order (upstream first, ties by declaration). */
    public List<String> topologicalOrder() {
        return topologicalOrder;
    }

    public List<String> downstreamIds(String taskId) {
        return downstream.getOrDefault(taskId, List.of());
    }

    /** Tasks with no downstream task: the ones whose states decide the run's state. */
    public List<String> leafIds() {
        return topologicalOrder.stream().filter(t -> downstreamIds(t).isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "Dag[" + id + ", " + tasks.size() + " tasks]";
    }

    /** Configures a DAG; {@link #build()} validates it. */
    public static final class Builder {

        private final String id;
        private String description;
        private final List<String> tags = new ArrayList<>();
        private String schedule;
        private Duration scheduleInterval;
        private ZonedDateTime startDate;
        private ZonedDateTime endDate;
        private boolean catchup = true;
        private int maxActiveRuns = DEFAULT_MAX_ACTIVE_RUNS;
        private int maxActiveTasks = DEFAULT_MAX_ACTIVE_TASKS;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private TaskDefaults defaults = TaskDefaults.of();
        private final Map<String, Task> tasks = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private boolean built;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "dag id");
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder tags(String... tags) {
            this.tags.addAll(List.of(tags));
            return this;
        }

        /**
         * The schedule: a 5-field Unix cron ({@code 30 2 * * *}), a Quartz expression with seconds,
         * a preset ({@code @hourly @daily @weekly @monthly @quarterly @yearly @once}), or
         * {@code null}/{@code "none"} for manual runs only.
         */
        public Builder schedule(String schedule) {
            this.schedule = schedule;
            this.scheduleInterval = null;
            return this;
        }

        /** A fixed-interval schedule (Airflow's timedelta schedule). */
        public Builder schedule(Duration interval) {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                problems.add("schedule interval must be positive, got " + interval);
            }
            this.scheduleInterval = interval;
            this.schedule = null;
            return this;
        }

        /** The first data interval starts here (aligned forward to the schedule), in this zone. */
        public Builder startDate(ZonedDateTime startDate) {
            this.startDate = startDate;
            return this;
        }

        /**
         * The start date as ISO text with a zone or offset, e.g. {@code 2022-06-02T22:30+09:00[Asia/Seoul]}
         * or {@code 2022-06-02T22:30+09:00}. Text without a zone is an error.
         */
        public Builder startDate(String isoWithZone) {
            this.startDate = parseZoned(isoWithZone, "start date");
            return this;
        }

        /** No run has a data interval starting after this. */
        public Builder endDate(ZonedDateTime endDate) {
            this.endDate = endDate;
            return this;
        }

        public Builder endDate(String isoWithZone) {
            this.endDate = parseZoned(isoWithZone, "end date");
            return this;
        }

        /** Whether the scheduler creates every missed interval (true, Airflow 2's default) or only the latest. */
        public Builder catchup(boolean catchup) {
            this.catchup = catchup;
            return this;
        }

        public Builder maxActiveRuns(int n) {
            if (n < 1) problems.add("max_active_runs must be at least 1, got " + n);
            this.maxActiveRuns = n;
            return this;
        }

        public Builder maxActiveTasks(int n) {
            if (n < 1) problems.add("max_active_tasks must be at least 1, got " + n);
            this.maxActiveTasks = n;
            return this;
        }

        /** A param and its default; a run's conf can override it. */
        public Builder param(String name, Object defaultValue) {
            this.params.put(name, defaultValue);
            return this;
        }

        /** Arguments every task gets unless it sets its own. */
        public Builder defaults(TaskDefaults defaults) {
            this.defaults = Objects.requireNonNull(defaults);
            return this;
        }

        /** Adds a task running {@code operator}. */
        public Task task(String taskId, Operator<?> operator) {
            if (built) {
                throw new IllegalStateException("DAG '" + id + "' is already built");
            }
            Task t = new Task(this, taskId, Objects.requireNonNull(operator, "operator of task " + taskId));
            if (tasks.containsKey(taskId)) {
                problems.add("task '" + taskId + "': duplicate task id");
            } else {
                tasks.put(taskId, t);
            }
            return t;
        }

        void foreignLink(Task downstream, Task upstream) {
            problems.add("task '" + downstream.id() + "': upstream task '" + upstream.id()
                    + "' belongs to another DAG");
        }

        /** Validates the DAG and returns it; throws {@link DagValidationException} naming every problem. */
        public Dag build() {
            List<String> errors = new ArrayList<>(problems);
            if (!ID.matcher(id).matches()) {
                errors.add("invalid DAG id: use letters, digits, '_', '.', '-' (at most 250 characters)");
            }
            for (String taskId : tasks.keySet()) {
                if (!ID.matcher(taskId).matches()) {
                    errors.add("task '" + taskId + "': invalid task id: use letters, digits, '_', '.', '-' (at most 250 characters)");
                }
            }
            Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
            tasks.keySet().forEach(graph::addVertex);
            for (Task t : tasks.values()) {
                for (String up : t.upstreamIds()) {
                    if (!tasks.containsKey(up)) {
                        errors.add("task '" + t.id() + "': unknown upstream task '" + up + "'");
                    } else if (up.equals(t.id())) {
                        errors.add("task '" + up + "' depends on itself: " + up + " -> " + up);
                    } else {
                        graph.addEdge(up, t.id());
                    }
                }
            }
            boolean scheduled = scheduleInterval != null
                    || (schedule != null && !schedule.isBlank() && !schedule.equalsIgnoreCase("none")
                    && !schedule.equalsIgnoreCase("@none"));
            if (scheduled && startDate == null) {
                errors.add("a scheduled DAG needs a start date with a timezone, e.g. startDate(ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of(\"UTC\")))");
            }
            if (startDate != null && endDate != null && endDate.isBefore(startDate)) {
                errors.add("end date " + endDate + " is before start date " + startDate);
            }
            List<String> order = List.of();
            if (errors.isEmpty()) {
                List<List<String>> cycles = new JohnsonSimpleCycles<>(graph).findSimpleCycles();
                if (!cycles.isEmpty()) {
                    List<String> cycle = rotateToSmallest(cycles.stream()
                            .min(Comparator.comparing((List<String> c) -> c.size()).thenComparing(c -> String.join(",", rotateToSmallest(c))))
                            .orElseThrow());
                    errors.add("task '" + cycle.get(0) + "' is in a cycle: " + String.join(" -> ", cycle) + " -> " + cycle.get(0));
                } else {
                    order = topologicalOrder();
                }
            }
            if (!errors.isEmpty()) {
                throw new DagValidationException("DAG '" + id + "': " + String.join("; ", errors));
            }
            Map<String, List<String>> downstream = new LinkedHashMap<>();
            for (String t : order) {
                for (String up : tasks.get(t).upstreamIds()) {
                    downstream.computeIfAbsent(up, k -> new ArrayList<>()).add(t);
                }
            }
            downstream.replaceAll((k, v) -> List.copyOf(v));
            tasks.values().forEach(t -> t.applyDefaults(defaults));
            built = true;
            return new Dag(this, order, Collections.unmodifiableMap(downstream));
        }

        private List<String> topologicalOrder() {
            // Kahn's algorithm, taking ready tasks in declaration order: stable and readable.
            List<String> declared = new ArrayList<>(tasks.keySet());
            Map<String, Integer> pending = new LinkedHashMap<>();
            tasks.values().forEach(t -> pending.put(t.id(), t.upstreamIds().size()));
            List<String> order = new ArrayList<>();
            Set<String> done = new LinkedHashSet<>();
            while (order.size() < declared.size()) {
                for (String t : declared) {
                    if (!done.contains(t) && pending.get(t) == 0) {
                        order.add(t);
                        done.add(t);
                        for (Task d : tasks.values()) {
                            if (d.upstreamIds().contains(t)) {
                                pending.merge(d.id(), -1, Integer::sum);
                            }
                        }
                        break;
                    }
                }
            }
            return order;
        }

        private static List<String> rotateToSmallest(List<String> cycle) {
            int min = 0;
            for (int i = 1; i < cycle.size(); i++) {
                if (cycle.get(i).compareTo(cycle.get(min)) < 0) min = i;
            }
            List<String> r = new ArrayList<>(cycle.subList(min, cycle.size()));
            r.addAll(cycle.subList(0, min));
            return r;
        }

        private ZonedDateTime parseZoned(String text, String what) {
            try {
                return ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME);
            } catch (DateTimeParseException e) {
                try {
                    LocalDateTime.parse(text);
                    problems.add(what + " '" + text + "' has no timezone: add an offset and zone, e.g. "
                            + text + "+00:00[UTC] or " + text + "+09:00[Asia/Seoul]");
                } catch (DateTimeParseException e2) {
                    problems.add(what + " '" + text + "' is not an ISO date-time with a zone, e.g. 2024-01-01T00:00+00:00[UTC]");
                }
                return null;
            }
        }
    }
}
