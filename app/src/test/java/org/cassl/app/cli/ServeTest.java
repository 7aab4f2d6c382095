package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.cassl.app.serve.DetectionServer;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.mask.Rle;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;
import org.cassl.training.api.Detector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cassl serve} on 127.0.0.1 with a tiny random-weight CondInst model (so masks are covered). */
class ServeTest {
    /** Concurrent clients and requests per client of the load test. */
    static final int CLIENTS = 8;
    // the 8 clients x 200 requests (about 95 s measured on 2 busy cores)
    static final int PER_CLIENT = 200;

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIG = "{\"backbone\": \"resnet18\", \"fpn_channels\": 32, \"num_classes\": 3, \"min_size\": 64,"
            + " \"max_size\": 64, \"score_thresh\": 0.05, \"mask_head\": \"condinst\"}";

    @TempDir
    static Path dir;
    static Path cfg;
    static Path weights;
    static List<Path> images = new ArrayList<>();
    static DetectionServer server;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        cfg = dir.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        weights = dir.resolve("w.safetensors");
        new Fcos(FcosConfig.parse(CONFIG), new Generator(3)).saveWeights(weights);
        for (int i = 0; i < 3; i++) {
            BufferedImage bi = new BufferedImage(48 + 8 * i, 40, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = bi.createGraphics();
            g.setColor(new Color(40 * i, 90, 200 - 50 * i));
            g.fillRect(0, 0, bi.getWidth(), 40);
            g.setColor(Color.ORANGE);
            g.fillOval(8 + 4 * i, 6, 24, 20);
            g.dispose();
            Path p = dir.resolve("i" + i + ".png");
            ImageIO.write(bi, "png", p.toFile());
            images.add(p);
        }
        server = DetectionServer.start(Detector.load(cfg, weights),
                new DetectionServer.Options("127.0.0.1", 0, 2, 64, 100_000), Map.of("config", "c.json"));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> detectRaw(Path image, String name) throws Exception {
        return post("/v1/detect?name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8), "image/png",
                Files.readAllBytes(image));
    }

    static byte[] multipart(String boundary, String field, String fileName, byte[] content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n").getBytes(StandardCharsets.UTF_8));
        b.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        b.write(content);
        b.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static void assertError(HttpResponse<String> r, int status, String expected) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode e = JSON.readTree(r.body());
        assertEquals(1, e.size(), r.body());
        assertTrue(e.get("error").asText().contains(expected), "'" + r.body() + "' should mention '" + expected + "'");
    }

    /** cassl detect's JSON for the images, run in-process. */
    static JsonNode cliDetect() throws Exception {
        Path out = dir.resolve("cli-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("detect", "--config", cfg.toString(), "--weights", weights.toString(),
                "--batch", "1", "--out", out.toString()));
        images.forEach(p -> args.add(p.toString()));
        CliBadInputTest.Run r = CliBadInputTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(out.toFile());
    }

    @Test
    void answersWhatCasslDetectPrints_rawAndMultipart() throws Exception {
        JsonNode cli = cliDetect();
        boolean masks = false;
        for (int i = 0; i < images.size(); i++) {
            Path p = images.get(i);
            HttpResponse<String> raw = detectRaw(p, p.toString());
            assertEquals(200, raw.statusCode(), raw.body());
            assertTrue(raw.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals(cli.get(i), JSON.readTree(raw.body()), "raw body, image " + p);
            String boundary = "cassl-test-boundary-" + i;
            HttpResponse<String> mp = post("/v1/detect", "multipart/form-data; boundary=" + boundary,
                    multipart(boundary, "image", "i" + i + ".png", Files.readAllBytes(p)));
            assertEquals(200, mp.statusCode(), mp.body());
            JsonNode got = JSON.readTree(mp.body());
            assertEquals("i" + i + ".png", got.get("image").asText(), "the multipart file name names the image");
            ((ObjectNode) got).put("image", p.toString());
            assertEquals(cli.get(i), got, "multipart body, image " + p);
            for (JsonNode d : got.get("detections")) {
                JsonNode seg = d.get("segmentation");
                masks = true;
                assertEquals(40 * got.get("width").asInt(),
                        Rle.fromCompressedString(seg.get("size").get(0).asInt(), seg.get("size").get(1).asInt(),
                                seg.get("counts").asText()).decode().length);
            }
        }
        assertTrue(masks, "some detections with masks");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void concurrentClientsGetTheSequentialAnswers() throws Exception {
        List<String> expected = new ArrayList<>();
        for (Path p : images) {
            HttpResponse<String> r = detectRaw(p, p.getFileName().toString());
            assertEquals(200, r.statusCode(), r.body());
            expected.add(r.body());
        }
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int k = 0; k < PER_CLIENT; k++) {
                        int i = (client + k) % images.size();
                        HttpResponse<String> r = detectRaw(images.get(i), images.get(i).getFileName().toString());
                        assertEquals(200, r.statusCode(), r.body());
                        assertEquals(expected.get(i), r.body(), "client " + client + " request " + k);
                    }
                    return PER_CLIENT;
                }));
            }
            int n = 0;
            for (Future<Integer> f : clients) {
                n += f.get();
            }
            assertEquals(CLIENTS * PER_CLIENT, n);
        } finally {
            pool.shutdownNow();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("serve: %d clients x %d requests in %.1f s (%.1f requests/s)%n", CLIENTS, PER_CLIENT, s,
                CLIENTS * PER_CLIENT / s);
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("cassl_http_requests_total{route=\"/v1/detect\",code=\"200\"}"), metrics);
        assertTrue(metrics.contains("cassl_detect_latency_seconds{quantile=\"0.99\"}"), metrics);
        assertTrue(metrics.contains("cassl_detect_duration_seconds_bucket{le=\"+Inf\"}"), metrics);
        assertTrue(metrics.contains("\ncassl_queue_depth "), metrics);
        assertTrue(metrics.contains("\ncassl_in_flight "), metrics);
    }

    @Test
    void badRequestsAreAnsweredWithAReason() throws Exception {
        assertError(post("/v1/detect", "image/png", "not a png at all".getBytes(StandardCharsets.UTF_8)), 400,
                "cannot decode image");
        byte[] png = Files.readAllBytes(images.get(0));
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        assertError(post("/v1/detect?name=half.png", "image/png", truncated), 400, "half.png");
        assertError(post("/v1/detect", "image/png", new byte[200_000]), 413, "larger than the limit of 100000 bytes");
        assertError(post("/v1/detect", "image/png", new byte[0]), 400, "empty");
        assertError(post("/v1/detect", "text/plain", png), 415, "unsupported content type");
        assertError(post("/v1/detect", "multipart/form-data; boundary=xyz", multipart("xyz", "picture", "a.png", png)), 400,
                "no field 'image'");
        HttpResponse<String> r = get("/v1/detect");
        assertError(r, 405, "not allowed");
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertError(post("/health", "image/png", png), 405, "not allowed");
        assertError(get("/v2/detect"), 404, "no such path");
        assertTrue(server.answered(200) >= 0);
    }

    @Test
    void healthMetricsAndThePage() throws Exception {
        HttpResponse<String> h = get("/health");
        assertEquals(200, h.statusCode());
        JsonNode health = JSON.readTree(h.body());
        assertEquals("ok", health.get("status").asText());
        assertEquals(3, health.get("model").get("num_classes").asInt());
        assertEquals("c.json", health.get("model").get("config").asText());
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(m.body().contains("# TYPE cassl_http_requests_total counter"));
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("\"/v1/detect\""), "the page posts to /v1/detect");
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no external resources");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void overloadIsAnswered503AtOnceAndTheServiceRecovers() throws Exception {
        try (DetectionServer small = DetectionServer.start(Detector.load(cfg, weights),
                new DetectionServer.Options("127.0.0.1", 0, 1, 1, 1_000_000), Map.of())) {
            String url = "http://127.0.0.1:" + small.port() + "/v1/detect";
            byte[] png = Files.readAllBytes(images.get(0));
            int ok = 0;
            int busy = 0;
            for (int burst = 0; burst < 5 && busy == 0; burst++) {
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int k = 0; k < 24; k++) {
                    all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : all) {
                    HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                    if (r.statusCode() == 503) {
                        busy++;
                        assertError(r, 503, "busy");
                    } else {
                        assertEquals(200, r.statusCode(), r.body());
                        ok++;
                    }
                }
            }
            assertTrue(busy > 0, "some requests were turned away");
            assertTrue(ok >= 2, "at least the admitted ones were answered");
            HttpResponse<String> after = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "after the burst: " + after.body());
            assertEquals(busy, small.answered(503));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void stopFinishesTheRequestsInFlightThenClosesTheDetector() throws Exception {
        Detector detector = Detector.load(cfg, weights);
        DetectionServer s = DetectionServer.start(detector, new DetectionServer.Options("127.0.0.1", 0, 1, 8, 1_000_000),
                Map.of());
        String url = "http://127.0.0.1:" + s.port() + "/v1/detect";
        byte[] png = Files.readAllBytes(images.get(1));
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (s.inFlight() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        s.stop();
        assertTrue(detector.isClosed(), "stop() closes the detector");
        int answered = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            try {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                // a request that reached the handler is finished; one still connecting may be refused
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + " " + r.body());
                answered += r.statusCode() == 200 ? 1 : 0;
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof IOException, e.toString());
            }
        }
        assertTrue(answered >= 1, "the detection in flight was finished");
        assertThrows(IOException.class, () -> HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString()),
                "no longer accepting");
    }

    @Test
    void commandLine() throws Exception {
        CliBadInputTest.Run help = CliBadInputTest.run("serve", "--help");
        assertEquals(0, help.code(), help.err());
        CliBadInputTest.badInput(CliBadInputTest.run("serve", "--config", dir.resolve("missing.json").toString(),
                "--weights", weights.toString(), "--port", "0"), "missing.json");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, CONFIG.replace("\"max_size\"", "\"max_sise\""));
        CliBadInputTest.badInput(CliBadInputTest.run("serve", "--config", bad.toString(), "--weights", weights.toString(),
                "--port", "0"), "max_sise");
        CliBadInputTest.badInput(CliBadInputTest.run("serve", "--config", cfg.toString(), "--weights", weights.toString(),
                "--threads", "0"), "--threads");
    }
}
