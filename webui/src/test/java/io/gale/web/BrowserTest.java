package io.gale.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's headless chromium through chromedriver, both given by
 * path so Selenium never downloads anything) against a web server with a scheduler running:
 * sign in, toggle a DAG, trigger with conf and watch the grid, read a task's log, a viewer's
 * refused toggle, a form without its CSRF token. Screenshots go to {@code target/screenshots}.
 */
class BrowserTest {

    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path home;
    static TestServer s;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        s = new TestServer(home).withScheduler();
        Path profile = Files.createDirectories(Path.of("target", "chromium").toAbsolutePath());
        Path data = Files.createTempDirectory(profile, "profile");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", profile.toString(), "XDG_CONFIG_HOME", profile.resolve("config").toString(),
                        "XDG_CACHE_HOME", profile.resolve("cache").toString()))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + data);
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (s != null) {
            s.close();
        }
    }

    private static void signIn(String user) {
        browser.manage().deleteAllCookies();
        browser.get(s.url() + "/dags");
        assertThat(browser.getCurrentUrl()).as("anonymous readers are sent to the login form").contains("/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user + "-password");
        shot("login");
        browser.findElement(By.id("sign-in")).click();
        waitFor("the DAG list after signing in as " + user, () -> browser.getCurrentUrl().endsWith("/dags")
                && !browser.findElements(By.cssSelector("table.dags")).isEmpty());
    }

    private static void shot(String name) {
        try {
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) {
        // htmx swaps the grid in place: an element found just before a swap goes stale, so look again
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage("waiting for " + what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> condition.getAsBoolean());
    }

    private static boolean paused(String dagId) {
        return TestServer.json(s.get("/api/v2/dags/" + dagId, s.token("admin"))).get("is_paused").asBoolean();
    }

    /** Posts a form from the signed-in page with fetch: the status, or "redirect" for a redirect (not followed). */
    private static String post(String path, String body) {
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                        + " body: arguments[1], redirect: 'manual'}).then(r => done(r.type === 'opaqueredirect' ? 'redirect' : String(r.status)),"
                        + " e => done('error ' + e));", path, body);
        return (String) status;
    }

    private static String csrf() {
        return browser.findElement(By.cssSelector("input[name=_csrf]")).getAttribute("value");
    }

    @Test
    void anOperatorTogglesADagOffAndOnAndTheApiSeesIt() {
        signIn("op");
        shot("dags");
        boolean before = paused("example_pipeline");
        browser.findElement(By.cssSelector("button[aria-label='" + (before ? "Unpause" : "Pause") + " example_pipeline']")).click();
        waitFor("the toggle to flip", () -> paused("example_pipeline") != before);
        browser.findElement(By.cssSelector("button[aria-label='" + (before ? "Pause" : "Unpause") + " example_pipeline']")).click();
        waitFor("the toggle to flip back", () -> paused("example_pipeline") == before);
        assertThat(browser.findElement(By.cssSelector("#dag-example_pipeline .toggle")).getText()).isEqualTo(before ? "Off" : "On");
    }

    @Test
    void triggerWithConfFromTheFormTurnsTheGridGreenAndTheLogShowsHtmlAsText() {
        s.send("PATCH", "/api/v2/dags/web_test", s.token("admin"), "{\"is_paused\": false}");
        s.engine.operations().setVariable("api_token", "tok-9f8e7d6c");
        signIn("op");
        browser.findElement(By.linkText("web_test")).click();
        WebElement stars = browser.findElement(By.cssSelector("input[name='param.min_stars']"));
        stars.clear();
        stars.sendKeys("7");
        browser.findElement(By.id("trigger")).click();
        waitFor("the run's column and its task to turn green", () -> {
            List<WebElement> runs = browser.findElements(By.cssSelector("#grid .sq.run"));
            List<WebElement> cells = browser.findElements(By.cssSelector("#grid a.sq[data-task-id='say']"));
            return runs.size() == 1 && "success".equals(runs.get(0).getAttribute("data-state"))
                    && cells.size() == 1 && "success".equals(cells.get(0).getAttribute("data-state"));
        });
        shot("dag");
        JsonNode run = TestServer.json(s.get("/api/v2/dags/web_test/dagRuns", s.token("admin"))).get("dag_runs").get(0);
        assertThat(run.get("conf").get("min_stars").asInt()).as("conf from the form").isEqualTo(7);
        assertThat(run.get("conf").get("city").asText()).isEqualTo("Paris");

        waitFor("a click on the task's square", () -> {
            browser.findElement(By.cssSelector("#grid a.sq[data-task-id='say']")).click();
            return true;
        });
        waitFor("the task page", () -> !browser.findElements(By.id("log-1")).isEmpty());
        String taskPage = browser.getCurrentUrl();
        shot("task");
        assertThat(browser.findElement(By.id("log-1")).getText()).contains("<script>alert('log')</script>")
                .contains("token is ***").doesNotContain("tok-9f8e7d6c");
        assertThat(browser.findElements(By.cssSelector("pre.log script"))).as("no script element from the log").isEmpty();
        String xcoms = browser.findElement(By.cssSelector("table.xcoms")).getText();
        assertThat(xcoms).contains("<img src=x onerror=alert(1)>").contains("***").doesNotContain("hunter22");
        assertThat(xcoms).contains("return_value").contains("7");

        browser.findElement(By.id("clear")).click();
        waitFor("the cleared task to run again (try 2, green)", () -> {
            browser.navigate().refresh();
            return !browser.findElements(By.id("log-2")).isEmpty()
                    && browser.findElement(By.id("state")).getText().equals("success");
        });
        assertThat(browser.findElements(By.cssSelector("pre.log"))).as("a log per try").hasSize(2);
        browser.get(browser.getCurrentUrl() + "/logs");
        assertThat(browser.getPageSource()).as("the log fragment htmx polls while the task runs")
                .contains("id=\"log-2\"").contains("&lt;script&gt;alert('log')&lt;/script&gt;").doesNotContain("hx-trigger");
        browser.navigate().back();

        browser.findElement(By.linkText("web_test")).click();
        WebElement node = browser.findElement(By.cssSelector("svg.graph a[data-task-id='say']"));
        assertThat(node.getAttribute("data-state")).isEqualTo("success");

        // mark the task failed from its page: its run's only task failed, so the scheduler fails the run
        browser.get(taskPage);
        browser.findElement(By.id("mark-failed")).click();
        waitFor("the task marked failed", () -> browser.findElement(By.id("state")).getText().equals("failed"));
        waitFor("the scheduler to fail the run", () -> "failed".equals(TestServer.json(s.get("/api/v2/dags/web_test/dagRuns",
                s.token("admin"))).get("dag_runs").get(0).get("state").asText()));
    }

    @Test
    void aViewerSeesNoToggleAndIsRefusedWhenForcingIt() {
        boolean before = paused("example_trigger_rules");
        signIn("viewer");
        assertThat(browser.findElements(By.cssSelector("button.toggle"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#dag-example_trigger_rules .state")).getText()).isEqualTo(before ? "paused" : "active");
        shot("dags-viewer");
        browser.findElement(By.linkText("example_trigger_rules")).click();
        assertThat(browser.findElements(By.cssSelector("svg.graph a[data-task-id]"))).hasSizeGreaterThan(3);
        assertThat(browser.findElements(By.id("trigger"))).as("no trigger form for a viewer").isEmpty();
        shot("graph");
        browser.get(s.url() + "/dags/example_pipeline/backfills");
        assertThat(browser.findElements(By.id("preview"))).as("no backfill form for a viewer").isEmpty();
        shot("backfills");
        browser.get(s.url() + "/dags");
        assertThat(post("/dags/example_trigger_rules/paused", "_csrf=" + csrf() + "&paused=" + !before)).isEqualTo("403");
        assertThat(paused("example_trigger_rules")).isEqualTo(before);
    }

    @Test
    void aFormWithoutTheCsrfTokenIsRefused() {
        boolean before = paused("example_trigger_rules");
        signIn("op");
        assertThat(post("/dags/example_trigger_rules/paused", "paused=" + !before)).isEqualTo("403");
        assertThat(post("/dags/example_trigger_rules/paused", "_csrf=wrong&paused=" + !before)).isEqualTo("403");
        assertThat(paused("example_trigger_rules")).isEqualTo(before);
        assertThat(post("/dags/example_trigger_rules/paused", "_csrf=" + csrf() + "&paused=" + !before))
                .as("the same request with the token goes through").isEqualTo("redirect");
        assertThat(paused("example_trigger_rules")).isEqualTo(!before);
    }
}
