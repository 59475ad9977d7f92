package io.gale.operators.models;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters in the Prometheus text format: requests by endpoint, status and model
 * version, a latency histogram of {@code /recommend}, reloads by result, and the served version.
 */
final class ServerMetrics {
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private record RequestKey(String endpoint, int status, String version) {
    }

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder latencySum = new java.util.concurrent.atomic.DoubleAdder();
    private final Map<String, LongAdder> reloads = new ConcurrentHashMap<>();

    ServerMetrics() {
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    void request(String endpoint, int status, String version) {
        requests.computeIfAbsent(new RequestKey(endpoint, status, version), k -> new LongAdder()).increment();
    }

    void recommendLatency(double seconds) {
        int i = 0;
        while (i < BUCKETS.length && seconds > BUCKETS[i]) {
            i++;
        }
        latencyBuckets[i].increment();
        latencyCount.increment();
        latencySum.add(seconds);
    }

    void reload(String result) {
        reloads.computeIfAbsent(result, k -> new LongAdder()).increment();
    }

    long reloads(String result) {
        LongAdder a = reloads.get(result);
        return a == null ? 0 : a.sum();
    }

    String scrape(String model, ServedModel served) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("# HELP gale_serve_requests_total Requests answered, by endpoint, status and served model version.\n");
        sb.append("# TYPE gale_serve_requests_total counter\n");
        requests.forEach((k, v) -> sb.append("gale_serve_requests_total{endpoint=\"").append(k.endpoint())
                .append("\",status=\"").append(k.status()).append("\",model=\"").append(model)
                .append("\",version=\"").append(k.version()).append("\"} ").append(v.sum()).append('\n'));
        sb.append("# HELP gale_serve_recommend_seconds Time to answer /recommend.\n");
        sb.append("# TYPE gale_serve_recommend_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            sb.append("gale_serve_recommend_seconds_bucket{le=\"").append(fmt(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += latencyBuckets[BUCKETS.length].sum();
        sb.append("gale_serve_recommend_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        sb.append("gale_serve_recommend_seconds_sum ").append(fmt(latencySum.sum())).append('\n');
        sb.append("gale_serve_recommend_seconds_count ").append(latencyCount.sum()).append('\n');
        sb.append("# HELP gale_serve_reloads_total Model swaps tried, by result.\n");
        sb.append("# TYPE gale_serve_reloads_total counter\n");
        reloads.forEach((k, v) -> sb.append("gale_serve_reloads_total{result=\"").append(k).append("\"} ").append(v.sum()).append('\n'));
        sb.append("# HELP gale_serve_model_info The model version being served (1).\n");
        sb.append("# TYPE gale_serve_model_info gauge\n");
        if (served != null) {
            sb.append("gale_serve_model_info{model=\"").append(model).append("\",version=\"")
                    .append(served.version().version()).append("\"} 1\n");
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }
}
