package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cassl.app.serve.DetectionServer;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;
import org.cassl.training.api.Detector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page of {@code cassl serve} in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, driven through Selenium with the system chromedriver; Selenium Manager
 * is never asked, so nothing is downloaded). Skipped when either is missing. Picks a PNG through
 * the file input and checks that the boxes the page draws (its {@code data-boxes} hook on the
 * canvas) are the service's JSON, filtered by the page's score slider.
 */
class ServePageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Random weights, a low threshold: a few dozen detections on the image, scores on both sides of 0.3. */
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 4, \"min_size\": 64,"
            + " \"max_size\": 64, \"score_thresh\": 0.01}";

    static Path executable(String env, String fallback) {
        String v = System.getenv(env);
        Path p = Path.of(v != null && !v.isBlank() ? v : fallback);
        return Files.isExecutable(p) ? p : null;
    }

    @Test
    @Timeout(120)
    void pageDrawsTheServicesBoxes(@TempDir Path dir) throws Exception {
        Path chromedriver = executable("CASSL_CHROMEDRIVER", "/usr/bin/chromedriver");
        Path chromium = executable("CASSL_CHROMIUM", "/usr/bin/chromium");
        assumeTrue(chromedriver != null && chromium != null,
                "headless Chromium test skipped: needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");

        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path weights = dir.resolve("w.safetensors");
        new Fcos(FcosConfig.parse(CONFIG), new Generator(5)).saveWeights(weights);
        BufferedImage bi = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = bi.createGraphics();
        g.setColor(new Color(60, 120, 200));
        g.fillRect(0, 0, 80, 60);
        g.setColor(Color.ORANGE);
        g.fillOval(10, 8, 30, 26);
        g.setColor(Color.GREEN);
        g.fillRect(45, 30, 25, 20);
        g.dispose();
        Path png = dir.resolve("shapes.png");
        ImageIO.write(bi, "png", png.toFile());

        try (DetectionServer server = DetectionServer.start(Detector.load(cfg, weights),
                new DetectionServer.Options("127.0.0.1", 0, 2, 8, 1 << 20), Map.of("config", "c.json"))) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/detect?name=shapes.png"))
                    .header("Content-Type", "image/png").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofFile(png)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode service = JSON.readTree(r.body()).get("detections");
            assertTrue(service.size() > 0, "the random model should find something at threshold 0.01: " + r.body());

            // Selenium knows no CDP for this Chromium; we use none, so its warning is noise
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(java.util.logging.Level.SEVERE);
            // never Selenium Manager (it would try to download a driver): the system chromedriver, named
            System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-extensions", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"));
            ChromeDriverService service2 = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service2, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                driver.get(base + "/");
                assertEquals("cassl serve", driver.getTitle());
                WebElement canvas = driver.findElement(By.id("canvas"));
                assertEquals("idle", canvas.getAttribute("data-state"));

                // the hidden file input takes the path (chromedriver does not insist on visibility for files)
                driver.findElement(By.id("file")).sendKeys(png.toAbsolutePath().toString());
                wait.until(d -> {
                    String s = canvas.getAttribute("data-state");
                    return "done".equals(s) || "error".equals(s);
                });
                assertEquals("done", canvas.getAttribute("data-state"), driver.findElement(By.id("status")).getText());
                double minScore = Double.parseDouble(driver.findElement(By.id("minScore")).getAttribute("value"));
                ArrayNode above = filter(service, minScore);
                assertShown(above, canvas);
                assertTrue(driver.findElement(By.id("status")).getText().startsWith(service.size() + " detection(s)"),
                        driver.findElement(By.id("status")).getText());

                // the slider between the scores (some boxes drawn, some not), then to 0 (all drawn)
                double[] scores = new double[service.size()];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = service.get(i).get("score").asDouble();
                }
                java.util.Arrays.sort(scores);
                // a slider position (0.01 steps) strictly above the lowest score and at most the highest
                int lo = (int) Math.floor(scores[0] * 100) + 1;
                int hi = (int) Math.floor(scores[scores.length - 1] * 100);
                assertTrue(lo <= hi, "scores " + scores[0] + ".." + scores[scores.length - 1] + " cannot be split by the slider");
                double mid = (lo + hi) / 2 / 100.0;
                for (double v : new double[] {mid, 0}) {
                    ArrayNode expected = filter(service, v);
                    ((JavascriptExecutor) driver).executeScript("const s = document.getElementById('minScore');"
                            + " s.value = arguments[0]; s.dispatchEvent(new Event('input'));", String.format(java.util.Locale.ROOT, "%.2f", v));
                    wait.until(d -> Integer.toString(expected.size()).equals(canvas.getAttribute("data-count")));
                    assertShown(expected, canvas);
                    if (v > 0) {
                        assertTrue(expected.size() > 0 && expected.size() < service.size(),
                                "min score " + v + " should split the boxes: " + expected.size() + " of " + service.size());
                    }
                }
                assertEquals(80L, ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].width;", canvas))
                        .longValue());
            } finally {
                driver.quit();
            }
        }
    }

    static ArrayNode filter(JsonNode dets, double minScore) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode d : dets) {
            if (d.get("score").asDouble() >= minScore) {
                out.add(d);
            }
        }
        return out;
    }

    /** The canvas's data-boxes equal {@code expected}'s bbox, score and label, in order, as doubles. */
    static void assertShown(JsonNode expected, WebElement canvas) throws Exception {
        JsonNode shown = JSON.readTree(canvas.getAttribute("data-boxes"));
        assertEquals(expected.size(), shown.size(), "boxes drawn: " + shown);
        assertEquals(Integer.toString(expected.size()), canvas.getAttribute("data-count"));
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            JsonNode s = shown.get(i);
            assertEquals(e.get("label").asInt(), s.get("label").asInt(), "label of box " + i);
            assertEquals(e.get("score").asDouble(), s.get("score").asDouble(), "score of box " + i);
            for (int k = 0; k < 4; k++) {
                assertEquals(e.get("bbox").get(k).asDouble(), s.get("bbox").get(k).asDouble(), "bbox[" + k + "] of box " + i);
            }
        }
    }
}
