package org.cassl.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.cassl.bench.DetectMemoryBench;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Generator;
import org.cassl.training.api.Detector;

/**
 * {@code cassl bench serve}: the HTTP service ({@link DetectionServer} on an ephemeral loopback
 * port) under C concurrent {@code java.net.http} clients posting the same PNG, against the same
 * model called directly ({@link Detector#detect(BufferedImage)} on the decoded image) from C
 * threads. The service's overhead (HTTP, PNG decoding, JSON) is the ratio of the two throughputs.
 * With {@code soak > 0} it instead sends that many requests and samples memory every 1,000 (or
 * every tenth of them), as {@link DetectMemoryBench} does for the detector alone.
 */
public final class ServeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    /**
     * The model and the load.
     *
     * @param backbone    resnet18|resnet34|resnet50
     * @param size        the model's min/max size and the PNG's side
     * @param fpnChannels FPN width
     * @param numClasses  classes incl. background
     * @param threads     the server's detections at once, and the CPU pool's threads
     * @param requests    requests per client (per calling thread on the direct side)
     * @param warmup      untimed requests (and direct calls) before the first client count
     */
    public record Setup(String backbone, int size, int fpnChannels, int numClasses, int threads, int requests, int warmup) {
        public Setup {
            if (size < 32 || fpnChannels < 1 || numClasses < 2 || threads < 1 || requests < 1 || warmup < 0) {
                throw new IllegalArgumentException("serve bench: --size must be at least 32, --fpn-channels, --threads and "
                        + "--requests positive, --num-classes at least 2 and --warmup non-negative");
            }
        }

        String configJson() {
            return "{\"backbone\": \"" + backbone + "\", \"fpn_channels\": " + fpnChannels + ", \"num_classes\": " + numClasses
                    + ", \"min_size\": " + size + ", \"max_size\": " + size + "}";
        }

        public String shape() {
            return backbone + " FPN" + fpnChannels + " " + size + "x" + size + " PNG";
        }
    }

    /**
     * One client count.
     *
     * @param clients      concurrent clients (and direct calling threads)
     * @param requests     requests in all (clients x per client)
     * @param errors       answers other than 200 (or failed exchanges)
     * @param rps          the service's requests per second
     * @param p50Ms        the service's median latency, as the client sees it
     * @param p99Ms        its 99th percentile
     * @param directRps    direct detect calls per second
     * @param directP50Ms  their median latency
     * @param directP99Ms  their 99th percentile
     */
    public record Row(int clients, int requests, int errors, double rps, double p50Ms, double p99Ms, double directRps,
                      double directP50Ms, double directP99Ms) {
        /** Direct throughput over the service's: 1.0 is no overhead. */
        public double overhead() {
            return directRps / rps;
        }

        /** One JSON line. */
        public String toJson(Setup s) {
            ObjectNode o = JSON.createObjectNode();
            o.put("name", "serve");
            o.put("shape", s.shape());
            o.put("threads", s.threads());
            o.put("cpu_threads", Backends.cpu().threads());
            o.put("clients", clients);
            o.put("requests", requests);
            o.put("errors", errors);
            o.put("requests_per_s", round(rps));
            o.put("p50_ms", round(p50Ms));
            o.put("p99_ms", round(p99Ms));
            o.put("direct_per_s", round(directRps));
            o.put("direct_p50_ms", round(directP50Ms));
            o.put("direct_p99_ms", round(directP99Ms));
            o.put("overhead", round(overhead()));
            try {
                return JSON.writeValueAsString(o);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private ServeBench() {
    }

    /** The table's header line. */
    public static String header() {
        return String.format(Locale.ROOT, "%7s %8s %6s %9s %8s %8s | %9s %8s %8s | %8s", "clients", "requests", "errors",
                "req/s", "p50 ms", "p99 ms", "direct/s", "p50 ms", "p99 ms", "overhead");
    }

    /** One table line. */
    public static String line(Row r) {
        return String.format(Locale.ROOT, "%7d %8d %6d %9.2f %8.1f %8.1f | %9.2f %8.1f %8.1f | %8.2f", r.clients(),
                r.requests(), r.errors(), r.rps(), r.p50Ms(), r.p99Ms(), r.directRps(), r.directP50Ms(), r.directP99Ms(),
                r.overhead());
    }

    /** A running service, its detector's twin for direct calls, the PNG and a client. */
    private static final class Rig implements AutoCloseable {
        final Path dir;
        final DetectionServer server;
        final Detector direct;
        final byte[] png;
        final BufferedImage image;
        final HttpClient http;
        final URI detect;

        Rig(Setup s, int queue, boolean withDirect) throws Exception {
            Backends.setCpuThreads(s.threads());
            JETTY_LOG.setLevel(Level.WARNING);
            dir = Files.createTempDirectory("cassl-serve-bench");
            Path config = dir.resolve("config.json");
            Files.writeString(config, s.configJson());
            Path weights = dir.resolve("weights.safetensors");
            new Fcos(FcosConfig.parse(s.configJson()), new Generator(0)).saveWeights(weights);
            image = image(s.size());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(image, "png", b);
            png = b.toByteArray();
            server = DetectionServer.start(Detector.load(config, weights),
                    new DetectionServer.Options("127.0.0.1", 0, s.threads(), queue, 64L << 20), Map.of("config", "bench"));
            direct = withDirect ? Detector.load(config, weights) : null;
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
            detect = URI.create("http://127.0.0.1:" + server.port() + DetectionServer.DETECT + "?name=bench.png");
        }

        /** One request; its latency in ns, or -1 when the answer is not a 200. */
        long post() {
            long t0 = System.nanoTime();
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(detect).timeout(Duration.ofMinutes(5))
                        .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                return r.statusCode() == 200 ? System.nanoTime() - t0 : -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        long call() {
            long t0 = System.nanoTime();
            direct.detect(image);
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws IOException {
            server.stop();
            if (direct != null) {
                direct.close();
            }
            try (var w = Files.walk(dir)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Runs each client count: the service, then the direct calls.
     *
     * @param setup   model and load
     * @param clients client counts, in order
     * @param each    called with each row as soon as it is measured
     * @return the rows
     */
    public static List<Row> run(Setup setup, int[] clients, java.util.function.Consumer<Row> each) throws Exception {
        if (clients.length == 0 || Arrays.stream(clients).anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("serve bench: --clients must be positive counts, got " + Arrays.toString(clients));
        }
        int maxClients = Arrays.stream(clients).max().getAsInt();
        List<Row> rows = new ArrayList<>();
        try (Rig rig = new Rig(setup, maxClients, true)) {
            for (int i = 0; i < setup.warmup(); i++) {
                rig.post();
                rig.call();
            }
            for (int c : clients) {
                int total = c * setup.requests();
                long[] lat = new long[total];
                AtomicInteger errors = new AtomicInteger();
                double secs = load(c, setup.requests(), k -> {
                    long t = rig.post();
                    if (t < 0) {
                        errors.incrementAndGet();
                    }
                    lat[k] = t;
                });
                long[] ok = Arrays.stream(lat).filter(t -> t >= 0).sorted().toArray();
                long[] dlat = new long[total];
                double dsecs = load(c, setup.requests(), k -> dlat[k] = rig.call());
                Arrays.sort(dlat);
                Row r = new Row(c, total, errors.get(), ok.length / secs, pct(ok, 0.50), pct(ok, 0.99), total / dsecs,
                        pct(dlat, 0.50), pct(dlat, 0.99));
                rows.add(r);
                each.accept(r);
            }
        }
        return rows;
    }

    /**
     * Sends {@code requests} requests from {@code clients} clients and samples memory after a
     * warm-up, every {@code every} requests and after the server stopped.
     */
    public static DetectMemoryBench.Report soak(Setup setup, int clients, int requests, int every,
                                                java.util.function.Consumer<DetectMemoryBench.Sample> each) throws Exception {
        if (clients < 1 || requests < 1 || every < 1) {
            throw new IllegalArgumentException("serve bench --soak: clients, requests and the sampling step must be positive");
        }
        String kind = DetectMemoryBench.nativeKind();
        List<DetectMemoryBench.Sample> out = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        double secs = 0;
        Rig rig = new Rig(setup, clients, false);
        try {
            for (int i = 0; i < Math.max(setup.warmup(), clients); i++) {
                rig.post();
            }
            take(out, each, DetectMemoryBench.sample("after warm-up", 0, kind));
            for (int done = 0; done < requests; ) {
                int step = Math.min(every, requests - done);
                int perClient = (step + clients - 1) / clients;
                AtomicInteger left = new AtomicInteger(step);
                secs += load(clients, perClient, k -> {
                    if (left.getAndDecrement() > 0 && rig.post() < 0) {
                        failed.incrementAndGet();
                    }
                });
                done += step;
                take(out, each, DetectMemoryBench.sample("after " + done + " req", done, kind));
            }
        } finally {
            rig.close();
        }
        take(out, each, DetectMemoryBench.sample("after stop", requests, kind));
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + requests + " requests were not answered 200");
        }
        return new DetectMemoryBench.Report(out, kind, secs);
    }

    private static void take(List<DetectMemoryBench.Sample> out, java.util.function.Consumer<DetectMemoryBench.Sample> each,
                             DetectMemoryBench.Sample s) {
        out.add(s);
        each.accept(s);
    }

    private interface Task {
        void run(int index);
    }

    /** {@code clients} threads each run {@code perClient} tasks (index client * perClient + i); the wall seconds. */
    private static double load(int clients, int perClient, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "cassl-bench-client");
            t.setDaemon(true);
            return t;
        });
        try {
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int base = c * perClient;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        task.run(base + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The nearest-rank percentile of sorted nanoseconds, in ms (NaN when empty). */
    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : v;
    }

    /** A few filled rectangles and an oval, fixed seed: a small PNG. */
    static BufferedImage image(int size) {
        BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        Graphics2D g = im.createGraphics();
        g.setColor(new Color(200, 220, 240));
        g.fillRect(0, 0, size, size);
        for (int k = 0; k < 6; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            int w = 8 + r.nextInt(size / 2);
            int h = 8 + r.nextInt(size / 2);
            if (k % 2 == 0) {
                g.fillRect(r.nextInt(size - w), r.nextInt(size - h), w, h);
            } else {
                g.fillOval(r.nextInt(size - w), r.nextInt(size - h), w, h);
            }
        }
        g.dispose();
        return im;
    }
}
