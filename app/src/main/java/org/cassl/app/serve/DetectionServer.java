package org.cassl.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.cassl.app.cli.DetectionJson;
import org.cassl.training.api.Detection;
import org.cassl.training.api.Detector;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP detection service: an embedded Jetty 12 server in front of one shared {@link Detector}.
 *
 * <p>At most {@code threads} detections run at once and at most {@code queue} wait for a worker; a
 * request beyond that is answered 503 at once (it never waits for a slot). Bodies over
 * {@code maxBytes} are answered 413. Every error body is {@code {"error": "..."}}. {@link #stop()}
 * stops accepting, lets the requests in flight finish and closes the detector.
 */
public final class DetectionServer implements AutoCloseable {
    /**
     * How the service runs.
     *
     * @param host     the address to listen on
     * @param port     the port (0: any free one, see {@link DetectionServer#port()})
     * @param threads  detections that run at once
     * @param queue    detections that may wait for a worker
     * @param maxBytes the largest request body accepted
     */
    public record Options(String host, int port, int threads, int queue, long maxBytes) {
        public Options {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (queue < 0) {
                throw new IllegalArgumentException("queue must be 0 or more, got " + queue);
            }
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("max bytes must be in 1.." + (Integer.MAX_VALUE - 64) + ", got " + maxBytes);
            }
        }
    }

    static final String DETECT = "/v1/detect";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final long STOP_TIMEOUT_MS = 60_000;

    private final Detector detector;
    private final Options options;
    private final Map<String, Object> modelInfo;
    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor workers;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final ServeMetrics metrics;
    private final byte[] page;
    private volatile boolean stopped;

    private DetectionServer(Detector detector, Options options, Map<String, Object> modelInfo) {
        this.detector = detector;
        this.options = options;
        this.modelInfo = modelInfo;
        this.slots = new Semaphore(options.threads() + options.queue());
        // the semaphore bounds the queue; the executor's own queue never holds more than `queue`
        this.workers = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "cassl-detect");
                    t.setDaemon(true);
                    return t;
                });
        this.metrics = new ServeMetrics(options.threads(), options.queue(), () -> admitted.get() - running.get(), running::get);
        this.page = resource("index.html");
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("cassl-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new Routes()));
        server.setStopTimeout(STOP_TIMEOUT_MS);
        server.setStopAtShutdown(false);
        server.setErrorHandler(new JsonErrors());
    }

    /**
     * Starts the service; it owns the detector from now on and closes it on {@link #stop()}.
     *
     * @param detector  the shared detector
     * @param options   how to run
     * @param modelInfo what {@code /health} reports about the model (config and weights names, ...)
     * @return the running service
     * @throws IOException when the port cannot be bound
     */
    public static DetectionServer start(Detector detector, Options options, Map<String, Object> modelInfo) throws IOException {
        DetectionServer s = new DetectionServer(Objects.requireNonNull(detector, "detector"), options, Map.copyOf(modelInfo));
        try {
            s.server.start();
        } catch (IOException e) {
            s.workers.shutdownNow();
            throw e;
        } catch (Exception e) {
            s.workers.shutdownNow();
            throw new IOException("cannot start the server on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** The port listened on (the bound one when started with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Detections running now. */
    public int inFlight() {
        return running.get();
    }

    /** Requests answered so far with the given HTTP status. */
    public long answered(int status) {
        return metrics.count(status);
    }

    /**
     * Stops gracefully: stops accepting connections, lets the requests in flight finish (up to a
     * minute), then closes the detector. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            server.stop();
        } catch (Exception e) {
            // already stopping; the workers below still drain
        } finally {
            workers.shutdown();
            try {
                workers.awaitTermination(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            detector.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static byte[] resource(String name) {
        try (InputStream in = DetectionServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The routes. Detections are handed to the worker pool; Jetty's threads never wait for them. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request req, Response resp, Callback cb) {
            String path = Request.getPathInContext(req);
            String method = req.getMethod();
            switch (path) {
                case "/", "/index.html" -> {
                    if (allow(req, resp, cb, path, "GET", "HEAD")) {
                        send(resp, cb, "/", 200, "text/html; charset=utf-8", method.equals("HEAD") ? new byte[0] : page);
                    }
                }
                case "/health" -> {
                    if (allow(req, resp, cb, path, "GET")) {
                        send(resp, cb, path, 200, JSON_TYPE, health());
                    }
                }
                case "/metrics" -> {
                    if (allow(req, resp, cb, path, "GET")) {
                        send(resp, cb, path, 200, "text/plain; version=0.0.4; charset=utf-8",
                                metrics.render().getBytes(StandardCharsets.UTF_8));
                    }
                }
                case DETECT -> {
                    if (allow(req, resp, cb, path, "POST")) {
                        detect(req, resp, cb);
                    }
                }
                default -> error(resp, cb, "other", 404, "no such path: " + path
                        + " (POST /v1/detect, GET /health, GET /metrics, GET /)");
            }
            return true;
        }

        private boolean allow(Request req, Response resp, Callback cb, String route, String... methods) {
            for (String m : methods) {
                if (m.equals(req.getMethod())) {
                    return true;
                }
            }
            resp.getHeaders().put(HttpHeader.ALLOW, String.join(", ", methods));
            error(resp, cb, route, 405, "method " + req.getMethod() + " not allowed on " + route + "; use "
                    + String.join(" or ", methods));
            return false;
        }
    }

    private byte[] health() {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", stopped ? "stopping" : "ok");
        ObjectNode m = o.putObject("model");
        modelInfo.forEach((k, v) -> m.putPOJO(k, v));
        m.put("num_classes", detector.numClasses());
        m.put("score_threshold", detector.scoreThreshold());
        m.put("device", detector.device());
        o.put("threads", options.threads());
        o.put("queue", options.queue());
        o.put("max_bytes", options.maxBytes());
        o.put("in_flight", running.get());
        o.put("queue_depth", admitted.get() - running.get());
        return bytes(o);
    }

    private void detect(Request req, Response resp, Callback cb) {
        long t0 = System.nanoTime();
        long length = req.getLength();
        if (length > options.maxBytes()) {
            if (length <= DRAIN_LIMIT) {
                // read and drop the body first: a client still sending when the connection closes
                // would see a reset instead of the 413 and its reason
                Content.Source.consumeAll(req, Callback.from(() -> tooLarge(resp, cb, length),
                        x -> tooLarge(resp, cb, length)));
            } else {
                tooLarge(resp, cb, length);
            }
            return;
        }
        if (!slots.tryAcquire()) {
            resp.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            error(resp, cb, DETECT, 503, "busy: " + options.threads() + " detection(s) running and " + options.queue()
                    + " waiting (--threads, --queue); retry later");
            return;
        }
        admitted.incrementAndGet();
        String contentType = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
        Fields query = Request.extractQueryParameters(req);
        String name = query.getValue("name");
        Content.Source.asByteArrayAsync(req, (int) options.maxBytes()).whenComplete((body, failure) -> {
            if (failure != null) {
                release();
                Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (c instanceof IllegalArgumentException || c instanceof ArithmeticException) {
                    tooLarge(resp, cb, -1);
                } else {
                    error(resp, cb, DETECT, 400, "cannot read the request body: " + c.getMessage());
                }
                return;
            }
            try {
                workers.execute(() -> work(body, contentType, name, resp, cb, t0));
            } catch (RejectedExecutionException e) {
                release();
                error(resp, cb, DETECT, 503, "the server is stopping");
            }
        });
    }

    private void release() {
        admitted.decrementAndGet();
        slots.release();
    }

    /** Bodies up to this size are drained before a 413; larger ones get it at once and the connection closes. */
    private static final long DRAIN_LIMIT = 64L << 20;

    private void tooLarge(Response resp, Callback cb, long length) {
        resp.getHeaders().put(HttpHeader.CONNECTION, "close");
        error(resp, cb, DETECT, 413, "request body " + (length >= 0 ? "of " + length + " bytes " : "")
                + "is larger than the limit of " + options.maxBytes() + " bytes (--max-bytes)");
    }

    /** On a worker: unwrap, decode, detect, answer. */
    private void work(byte[] body, String contentType, String name, Response resp, Callback cb, long t0) {
        running.incrementAndGet();
        try {
            byte[] image = body;
            String shown = name != null ? name : "upload";
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            if (type.startsWith("multipart/form-data")) {
                MultiPart.Part part;
                try {
                    part = imagePart(body, contentType);
                } catch (RuntimeException e) {
                    error(resp, cb, DETECT, 400, "malformed multipart body: " + rootMessage(e));
                    return;
                }
                if (part == null) {
                    error(resp, cb, DETECT, 400, "the multipart body has no field 'image'");
                    return;
                }
                image = partBytes(part);
                if (name == null && part.getFileName() != null && !part.getFileName().isEmpty()) {
                    shown = part.getFileName();
                }
            } else if (!type.isEmpty() && !type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
                error(resp, cb, DETECT, 415, "unsupported content type " + contentType
                        + "; send the image's bytes (image/png, image/jpeg, ...) or multipart/form-data with a field 'image'");
                return;
            }
            if (image.length == 0) {
                error(resp, cb, DETECT, 400, "empty image: the request carries no bytes");
                return;
            }
            RgbImage im;
            try {
                im = decode(image, shown);
            } catch (ImageDecodeException e) {
                error(resp, cb, DETECT, 400, e.getMessage());
                return;
            }
            List<Detection> dets = detector.detect(im.toTensor());
            byte[] out = bytes(DetectionJson.entry(shown, im.width(), im.height(), dets));
            metrics.detectLatency((System.nanoTime() - t0) / 1e9);
            send(resp, cb, DETECT, 200, JSON_TYPE, out);
        } catch (RuntimeException | Error e) {
            error(resp, cb, DETECT, 500, "internal error: " + rootMessage(e));
        } finally {
            running.decrementAndGet();
            release();
        }
    }

    private MultiPart.Part imagePart(byte[] body, String contentType) {
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            throw new IllegalArgumentException("no boundary in the content type");
        }
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxLength(options.maxBytes());
        parser.setMaxMemoryFileSize(options.maxBytes()); // the whole body is in memory already: no temporary files
        parser.setMaxParts(16);
        MultiPartFormData.Parts parts = parser.parse(Content.Source.from(ByteBuffer.wrap(body))).join();
        return parts.getFirst("image");
    }

    private static byte[] partBytes(MultiPart.Part part) {
        try {
            ByteBuffer b = Content.Source.asByteBuffer(part.getContentSource());
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class ImageDecodeException extends Exception {
        ImageDecodeException(String message) {
            super(message);
        }
    }

    /** Decodes as {@code cassl detect} does (ImageIO, then planar RGB). */
    private static RgbImage decode(byte[] bytes, String shown) throws ImageDecodeException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot decode image " + shown + ": " + rootMessage(e));
        }
        if (img == null) {
            throw new ImageDecodeException("cannot decode image " + shown + ": not a PNG, JPEG, BMP or GIF file");
        }
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new ImageDecodeException("image " + shown + " is empty");
        }
        return Images.fromBufferedImage(img);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private void error(Response resp, Callback cb, String route, int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        send(resp, cb, route, status, JSON_TYPE, bytes(o));
    }

    private void send(Response resp, Callback cb, String route, int status, String type, byte[] body) {
        metrics.request(route, status);
        resp.setStatus(status);
        resp.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        resp.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        resp.write(true, ByteBuffer.wrap(body), cb);
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jetty's own errors (a malformed request line, a header too large, ...) as {"error": ...} too. */
    private static final class JsonErrors implements Request.Handler {
        @Override
        public boolean handle(Request req, Response resp, Callback cb) {
            Throwable cause = (Throwable) req.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_EXCEPTION);
            String msg = (String) req.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_MESSAGE);
            ObjectNode o = JSON.createObjectNode();
            o.put("error", msg != null ? msg : cause != null ? rootMessage(cause) : "HTTP " + resp.getStatus());
            resp.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
            resp.write(true, ByteBuffer.wrap(bytes(o)), cb);
            return true;
        }
    }
}
