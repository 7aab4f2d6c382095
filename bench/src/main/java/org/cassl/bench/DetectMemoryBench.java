package org.cassl.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Generator;
import org.cassl.training.api.Detector;

/**
 * Memory over many detect calls on one {@link Detector}: heap in use after a full GC, the direct
 * and mapped NIO buffer pools, and native memory (NMT's committed total when the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}, less the Java heap's committed part, which follows the
 * collector's sizing; else the process's resident set from
 * {@code /proc/self/status}), sampled every {@code calls / samples} calls and once more after
 * {@link Detector#close()}.
 */
public final class DetectMemoryBench {
    /**
     * One sample.
     *
     * @param label      "after N calls" or "after close"
     * @param calls      calls done
     * @param heapMiB    heap used after GC
     * @param directMiB  direct buffer pool
     * @param mappedMiB  mapped buffer pool
     * @param nativeMiB  NMT committed, or RSS
     */
    public record Sample(String label, int calls, double heapMiB, double directMiB, double mappedMiB, double nativeMiB) {
    }

    /**
     * What a run measured.
     *
     * @param samples    in order; the first is after the warm-up calls
     * @param nativeKind "nmt-nonheap" (NMT committed minus the Java heap's) or "rss"
     * @param seconds    wall time of the calls
     */
    public record Report(List<Sample> samples, String nativeKind, double seconds) {
        /** Growth of each measure from the first sample to the last one before close. */
        public String growth() {
            Sample a = samples.get(0);
            Sample b = samples.get(samples.size() - 2);
            return String.format(Locale.ROOT, "growth from %d to %d calls: heap %+.2f MiB, direct %+.2f MiB, mapped %+.2f MiB, "
                    + "%s %+.2f MiB", a.calls(), b.calls(), b.heapMiB() - a.heapMiB(), b.directMiB() - a.directMiB(),
                    b.mappedMiB() - a.mappedMiB(), nativeKind, b.nativeMiB() - a.nativeMiB());
        }

        /** A table, one line per sample, and the growth line. */
        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %10s %10s %10s %14s%n", "sample",
                    "heap MiB", "direct MiB", "mapped MiB", nativeKind + " MiB"));
            for (Sample s : samples) {
                sb.append(String.format(Locale.ROOT, "%-18s %10.2f %10.2f %10.2f %14.1f%n", s.label(), s.heapMiB(),
                        s.directMiB(), s.mappedMiB(), s.nativeMiB()));
            }
            sb.append(growth()).append(String.format(Locale.ROOT, "%n%.1f s for the calls%n", seconds));
            return sb.toString();
        }
    }

    private DetectMemoryBench() {
    }

    /**
     * Runs the measurement on a randomly initialised ResNet-18 FCOS (fixed seed, score threshold
     * 0.01 so that every call returns detections).
     *
     * @param calls   detect calls in all
     * @param size    image side (and the model's min/max size)
     * @param threads caller threads sharing the calls
     * @param samples samples taken during the calls
     * @return the report
     */
    public static Report run(int calls, int size, int threads, int samples) throws Exception {
        if (calls < 1 || size < 32 || threads < 1 || samples < 1) {
            throw new IllegalArgumentException("detect-memory: --calls, --threads and --samples must be positive and --size "
                    + "at least 32");
        }
        Path dir = Files.createTempDirectory("cassl-detect-memory");
        try {
            String json = "{\"backbone\": \"resnet18\", \"fpn_channels\": 64, \"num_classes\": 7, \"min_size\": " + size
                    + ", \"max_size\": " + size + ", \"score_thresh\": 0.01, \"frozen_bn\": true}";
            Path config = dir.resolve("config.json");
            Files.writeString(config, json);
            Path weights = dir.resolve("model.safetensors");
            new Fcos(FcosConfig.parse(json), new Generator(1)).saveWeights(weights);
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                images.add(image(i, size));
            }
            List<Sample> out = new ArrayList<>();
            String nativeKind = nativeKind();
            Detector detector = Detector.load(config, weights);
            try {
                int warm = Math.max(threads, Math.min(20, calls / 10));
                for (int i = 0; i < warm; i++) {
                    detector.detect(images.get(i % images.size()));
                }
                out.add(sample("after warm-up", 0, nativeKind));
                int step = Math.max(1, calls / samples);
                AtomicInteger next = new AtomicInteger();
                long t0 = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    for (int done = 0; done < calls; done += step) {
                        int target = Math.min(calls, done + step);
                        List<Future<?>> fs = new ArrayList<>();
                        for (int t = 0; t < threads; t++) {
                            fs.add(pool.submit(() -> {
                                int k;
                                while ((k = next.getAndIncrement()) < target) {
                                    detector.detect(images.get(k % images.size()));
                                }
                                return null;
                            }));
                        }
                        for (Future<?> f : fs) {
                            f.get();
                        }
                        next.set(target);
                        out.add(sample("after " + target + " calls", target, nativeKind));
                    }
                } finally {
                    pool.shutdown();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                detector.close();
                out.add(sample("after close", calls, nativeKind));
                return new Report(out, nativeKind, secs);
            } finally {
                detector.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static BufferedImage image(int seed, int size) {
        BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(seed);
        java.awt.Graphics2D g = im.createGraphics();
        for (int k = 0; k < 6; k++) {
            g.setColor(new java.awt.Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            int w = 8 + r.nextInt(size / 2);
            int h = 8 + r.nextInt(size / 2);
            g.fillRect(r.nextInt(size - w), r.nextInt(size - h), w, h);
        }
        g.dispose();
        return im;
    }

    /**
     * Takes one sample now (after three full GCs), as {@link #run} does; shared with the service's
     * soak run ({@code cassl bench serve --soak}).
     *
     * @param nativeKind {@link #nativeKind()}
     */
    public static Sample sample(String label, int calls, String nativeKind) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        double direct = 0;
        double mapped = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b.getMemoryUsed() / 1048576.0;
            } else if (b.getName().equals("mapped")) {
                mapped = b.getMemoryUsed() / 1048576.0;
            }
        }
        double nat = nativeKind.equals("rss") ? rssMiB() : nmtCommittedMiB();
        return new Sample(label, calls, heap, direct, mapped, nat);
    }

    /** "nmt-nonheap" when the JVM runs with native memory tracking, else "rss". */
    public static String nativeKind() {
        return nmtCommittedMiB() >= 0 ? "nmt-nonheap" : "rss";
    }

    /** NMT's committed total minus the Java heap's committed part, in MiB, or -1 when native memory tracking is off. */
    static double nmtCommittedMiB() {
        try {
            MBeanServer s = ManagementFactory.getPlatformMBeanServer();
            String text = (String) s.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB")
                    .matcher(text);
            if (!m.find()) {
                return -1;
            }
            long total = Long.parseLong(m.group(2));
            // the Java heap's committed size follows the collector's sizing, not leaks: leave it out
            java.util.regex.Matcher h = java.util.regex.Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB")
                    .matcher(text);
            long heap = h.find() ? Long.parseLong(h.group(2)) : 0;
            return (total - heap) / 1024.0;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Resident set size from /proc/self/status in MiB (-1 where there is none). */
    static double rssMiB() {
        return procStatusMiB("VmRSS:");
    }

    /** The process's peak resident set size (VmHWM) in MiB (-1 where there is none). */
    static double peakRssMiB() {
        return procStatusMiB("VmHWM:");
    }

    private static double procStatusMiB(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
