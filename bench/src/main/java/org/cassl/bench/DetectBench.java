package org.cassl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Backends;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.training.api.Detector;

/**
 * Inference throughput: {@link Detector} (the public API, eval mode, random weights) on a batch of
 * random {@code S x M} images, against torchvision's FCOS with the same configuration when PyTorch
 * is installed. Reports images/s, the median batch time and the peak resident set size of each
 * process (the JVM's includes its heap).
 */
public final class DetectBench {
    private DetectBench() {
    }

    static FcosConfig config(String backbone, int size, int maxSize, int fpnChannels, int numClasses) {
        return FcosConfig.parse("{\"backbone\": \"" + backbone + "\", \"fpn_channels\": " + fpnChannels
                + ", \"num_classes\": " + numClasses + ", \"min_size\": " + size + ", \"max_size\": " + maxSize + "}");
    }

    /**
     * Runs the benchmark.
     *
     * @param size    the model's {@code min_size} and the images' height
     * @param maxSize the model's {@code max_size} and the images' width
     */
    public static Result run(String backbone, int size, int maxSize, int batch, int fpnChannels, int numClasses, int threads,
                             int warmup, int reps, boolean peer) {
        if (batch < 1 || size < 32 || maxSize < size || threads < 1) {
            throw new IllegalArgumentException("detect bench: batch and threads must be positive, size >= 32 and max size"
                    + " >= size, got B=" + batch + " S=" + size + " M=" + maxSize + " threads=" + threads);
        }
        Backends.setCpuThreads(threads);
        FcosConfig cfg = config(backbone, size, maxSize, fpnChannels, numClasses);
        Path dir;
        try {
            dir = Files.createTempDirectory("cassl-detect-bench");
            Files.writeString(dir.resolve("config.json"), cfg.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new Fcos(cfg, new Generator(0)).saveWeights(dir.resolve("weights.safetensors"));
        Generator g = new Generator(1);
        List<Object> images = new ArrayList<>(Collections.nCopies(batch, Tensor.rand(g, 3, size, maxSize)));
        double[] times;
        try (Detector d = Detector.builder(dir.resolve("config.json"), dir.resolve("weights.safetensors")).batchSize(batch)
                .build()) {
            times = Timing.measure(() -> d.detectAll(images), warmup, 3.0, reps);
        }
        double median = Timing.median(times);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("images_per_s", batch * 1000.0 / median);
        extra.put("peak_rss_mb", DetectMemoryBench.peakRssMiB());
        String shape = backbone + " FPN" + fpnChannels + " B" + batch + " " + size + "x" + maxSize;
        if (!peer) {
            return new Result("detect", shape, threads, reps, median, times[0], Double.NaN, null, null, null,
                    "not requested", extra);
        }
        PythonPeer.Outcome o = PythonPeer.run("fcos_peer.py", threads, List.of("--mode", "detect", "--backbone", backbone, "--batch",
                Integer.toString(batch), "--size", Integer.toString(size), "--max-size", Integer.toString(maxSize),
                "--threads", Integer.toString(threads), "--fpn-channels", Integer.toString(fpnChannels), "--num-classes",
                Integer.toString(numClasses), "--warmup", Integer.toString(warmup), "--reps", Integer.toString(reps)));
        if (o.medianMs() != null) {
            extra.put("peer_images_per_s", batch * 1000.0 / o.medianMs());
            extra.put("peer_peak_rss_mb", o.number("peak_rss_mb"));
        }
        return new Result("detect", shape, threads, reps, median, times[0], Double.NaN, o.library(), o.medianMs(), null,
                o.error(), extra);
    }
}
