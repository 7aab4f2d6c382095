package org.cassl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a training step's time goes: wall time per phase (forward with losses, backward,
 * optimizer) and, from JFR's execution samples over the same steps, the share of CPU samples per
 * cassl method (the innermost {@code org.cassl} frame of each sample, so a kernel's inner loops
 * count for the op that called them).
 */
public final class StepProfile {
    private final List<Map<String, Long>> steps = new ArrayList<>();
    private Map<String, Long> current = new LinkedHashMap<>();

    /** Adds {@code nanos} to a phase of the current step. */
    public void add(String phase, long nanos) {
        current.merge(phase, nanos, Long::sum);
    }

    /** Marks the end of a step. */
    public void endStep() {
        steps.add(current);
        current = new LinkedHashMap<>();
    }

    /** The median milliseconds of each phase over the last {@code n} steps (the timed ones, after warm-up). */
    public Map<String, Double> phaseMillis(int n) {
        List<Map<String, Long>> last = steps.subList(Math.max(0, steps.size() - n), steps.size());
        Map<String, Double> m = new LinkedHashMap<>();
        if (last.isEmpty()) {
            return m;
        }
        for (String phase : last.get(0).keySet()) {
            double[] v = last.stream().mapToDouble(x -> x.getOrDefault(phase, 0L) / 1e6).sorted().toArray();
            m.put(phase, Timing.median(v));
        }
        return m;
    }

    /**
     * Runs {@code work} under a JFR recording sampling every 10 ms and returns the {@code top}
     * cassl methods by share of execution samples, largest first.
     */
    public static Map<String, Double> sampleMethods(Runnable work, int top) {
        Path file;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.start();
            work.run();
            r.stop();
            file = Files.createTempFile("cassl-step", ".jfr");
            r.dump(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JFR recording: " + e.getMessage(), e);
        }
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                total++;
                counts.merge(innermostCasslFrame(e.getStackTrace()), 1L, Long::sum);
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JFR recording: " + e.getMessage(), e);
        }
        long all = Math.max(1, total);
        Map<String, Double> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(en -> out.put(en.getKey(), 100.0 * en.getValue() / all));
        return out;
    }

    private static String innermostCasslFrame(RecordedStackTrace st) {
        if (st == null) {
            return "(no stack)";
        }
        List<RecordedFrame> frames = st.getFrames();
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (type.startsWith("org.cassl.")) {
                return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
            }
        }
        return frames.isEmpty() ? "(no frames)" : "(outside cassl) " + frames.get(0).getMethod().getType().getName();
    }
}
