package io.gale.cli;

import io.gale.scheduler.SchedulableDag;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gale dags next-execution}: the next scheduled runs, in UTC and in the DAG's timezone. */
@Command(name = "next-execution", description = "Print the next scheduled runs of a DAG.")
final class NextExecutionCommand extends Sub implements Callable<Integer> {

    @Parameters(paramLabel = "DAG")
    String dagId;
    @Option(names = {"-n", "--num-executions"}, defaultValue = "1")
    int n;
    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json")
    String output;

    @Override
    public Integer call() {
        boolean json = isJson(output);
        var infos = client().nextRuns(dagId, n);
        SchedulableDag d = client().schedulable(dagId);
        ZoneId zone = ZoneId.of(d.dag().timezone());
        if (json) {
            json(infos.stream().map(i -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("logical_date", i.logicalDate());
                m.put("logical_date_local", i.logicalDate().atZone(zone).toOffsetDateTime());
                m.put("data_interval_start", i.dataInterval().start());
                m.put("data_interval_end", i.dataInterval().end());
                m.put("data_interval_start_local", i.dataInterval().start().atZone(zone).toOffsetDateTime());
                m.put("data_interval_end_local", i.dataInterval().end().atZone(zone).toOffsetDateTime());
                m.put("run_after", i.runAfter());
                m.put("run_after_local", i.runAfter().atZone(zone).toOffsetDateTime());
                m.put("timezone", zone.getId());
                return m;
            }).toList());
            return 0;
        }
        if (infos.isEmpty()) {
            out().println("None: DAG '" + dagId + "' has no further scheduled runs (" + d.timetable().summary() + ")");
            return 0;
        }
        Table t = new Table("logical_date (UTC)", "logical_date (" + zone + ")", "data_interval (" + zone + ")", "run_after (UTC)");
        for (var i : infos) {
            t.row(i.logicalDate(), local(i.logicalDate(), zone),
                    local(i.dataInterval().start(), zone) + " .. " + local(i.dataInterval().end(), zone), i.runAfter());
        }
        t.print(out());
        return 0;
    }

    private static String local(Instant t, ZoneId zone) {
        return t.atZone(zone).toOffsetDateTime().toString();
    }
}
