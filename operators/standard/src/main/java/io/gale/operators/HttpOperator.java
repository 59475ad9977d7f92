package io.gale.operators;

import io.gale.api.Operator;
import io.gale.api.TaskContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sends one HTTP request with {@code java.net.http} (Airflow's HttpOperator). A response that
 * fails the check (by default: a status outside 2xx) fails the task; the response body is the
 * task's return value.
 *
 * <p>The URL, the body and the header values are Jinja templates, rendered for each try with
 * {@link TaskContext#render} as Airflow's templated fields {@code endpoint}, {@code data} and
 * {@code headers}: {@code get("http://api/report?day={{ ds }}")}. The rendered values are logged
 * with secrets masked; a header whose name is sensitive ({@code Authorization}, {@code Cookie},
 * anything with {@code token}, {@code key}, {@code secret} or {@code password}) is logged as
 * {@code ***}.
 */
public final class HttpOperator implements Operator<String> {

    private final String method;
    private final String url;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    private Duration timeout = Duration.ofSeconds(30);
    private Predicate<HttpResponse<String>> check = r -> r.statusCode() / 100 == 2;

    /** @param url the URL, a template; checked now unless it has template tags */
    public HttpOperator(String method, String url) {
        this.method = method.toUpperCase(java.util.Locale.ROOT);
        this.url = url;
        if (!url.contains("{{") && !url.contains("{%")) {
            URI.create(url);
        }
    }

    public static HttpOperator get(String url) {
        return new HttpOperator("GET", url);
    }

    public static HttpOperator post(String url, String body) {
        return new HttpOperator("POST", url).body(body);
    }

    public HttpOperator header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public HttpOperator body(String body) {
        this.body = body;
        return this;
    }

    public HttpOperator timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Replaces the response check; a response it rejects fails the task. */
    public HttpOperator check(Predicate<HttpResponse<String>> check) {
        this.check = check;
        return this;
    }

    @Override
    public String execute(TaskContext ctx) throws Exception {
        String renderedUrl = ctx.render("endpoint", url);
        String renderedBody = body == null ? null : ctx.render("data", body);
        Map<String, String> renderedHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> renderedHeaders.put(name, ctx.render("headers." + name, value)));
        URI uri;
        try {
            uri = URI.create(renderedUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the rendered URL of " + url + " is not a URI: " + e.getMessage());
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, renderedBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(renderedBody));
        renderedHeaders.forEach(rb::header);
        ctx.log().info("{} {} (headers: {})", method, url, headers.keySet());
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response = client.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        ctx.log().info("Response {} with {} characters", response.statusCode(), response.body().length());
        if (!check.test(response)) {
            String snippet = response.body().length() > 200 ? response.body().substring(0, 200) + "..." : response.body();
            throw new IllegalStateException("HTTP " + method + " " + url + " answered " + response.statusCode()
                    + ", which the response check rejected: " + snippet);
        }
        return response.body();
    }
}
