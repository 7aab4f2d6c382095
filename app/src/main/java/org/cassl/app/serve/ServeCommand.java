package org.cassl.app.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cassl.tensor.Backends;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.Detector;
import org.cassl.training.compute.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cassl serve}: detection over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a detector over HTTP until stopped (Ctrl-C / SIGTERM finish the requests in flight first).",
            "  POST /v1/detect   an image as the body (image/png, image/jpeg, ...) or multipart/form-data field 'image';",
            "                    answers the entry `cassl detect` prints per image: {\"image\", \"width\", \"height\",",
            "                    \"detections\": [{\"bbox\", \"score\", \"label\", \"segmentation\"?}]} (?name=N sets \"image\")",
            "  GET  /health      200 and the model's description",
            "  GET  /metrics     Prometheus text: requests by status, latency histogram and p50/p90/p99, queue depth, in flight",
            "  GET  /            a page to try it: drop an image, see the boxes and masks",
            "At most --threads detections run at once and --queue wait; beyond that the answer is 503 at once.",
            "Errors are {\"error\": \"...\"}: 400 undecodable image, 404, 405, 413 over --max-bytes, 415, 503."})
public final class ServeCommand implements Callable<Integer> {
    /** Jetty logs through slf4j to java.util.logging; held here, as JUL keeps loggers weakly. */
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "Model weights.")
    Path weights;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0: all).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port = 8080;

    @Option(names = "--threads", paramLabel = "T", description = "Detections that run at once (default: ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--queue", paramLabel = "N", description = "Detections that may wait for a worker (default: ${DEFAULT-VALUE}).")
    int queue = 16;

    @Option(names = "--max-bytes", paramLabel = "B", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBytes = 20L * 1024 * 1024;

    @Option(names = "--score-thresh", paramLabel = "T", description = "Override the config's score threshold.")
    Double scoreThresh;

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", description = "Where to compute (default: ${DEFAULT-VALUE}).")
    String device = Defaults.DEVICE;

    @Option(names = "--cpu-threads", paramLabel = "N", description = "CPU worker threads shared by all detections (0: all processors).")
    int cpuThreads;

    private volatile DetectionServer server;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new UserInputException("--threads must be at least 1, got " + threads);
        }
        if (queue < 0) {
            throw new UserInputException("--queue must be 0 or more, got " + queue);
        }
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 64) {
            throw new UserInputException("--max-bytes must be in 1.." + (Integer.MAX_VALUE - 64) + ", got " + maxBytes);
        }
        if (port < 0 || port > 65535) {
            throw new UserInputException("--port must be in 0..65535, got " + port);
        }
        if (cpuThreads < 0) {
            throw new UserInputException("--cpu-threads must be 0 (all processors) or more, got " + cpuThreads);
        }
        if (cpuThreads > 0) {
            Backends.setCpuThreads(cpuThreads);
        }
        Devices.resolve(device);
        for (Path p : new Path[] {config, weights}) {
            if (!Files.isRegularFile(p)) {
                throw new UserInputException("file not found: " + p);
            }
        }
        JETTY_LOG.setLevel(Level.WARNING);
        Detector.Builder builder = Detector.builder(config, weights).device(device);
        if (scoreThresh != null) {
            builder.scoreThreshold(scoreThresh);
        }
        Detector detector = builder.build();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("config", config.getFileName().toString());
        info.put("weights", weights.getFileName().toString());
        DetectionServer s;
        try {
            s = DetectionServer.start(detector, new DetectionServer.Options(host, port, threads, queue, maxBytes), info);
        } catch (IOException e) {
            detector.close();
            throw new UserInputException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        server = s;
        Thread hook = new Thread(s::stop, "cassl-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter err = spec.commandLine().getErr();
        err.println("cassl serve: listening on http://" + host + ":" + s.port() + "/ (" + threads + " at once, " + queue
                + " waiting at most; Ctrl-C stops)");
        err.flush();
        s.join();
        s.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook has run
        }
        return 0;
    }

    /** The running server (null before it started), for tests that run the command in-process. */
    DetectionServer server() {
        return server;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
