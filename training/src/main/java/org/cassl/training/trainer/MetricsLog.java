package org.cassl.training.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per line ({@code {"iter": ..., "loss": ..., ...}} for
 * training, {@code {"iter": ..., "eval": {...}}} for evaluations). On resume, lines past the
 * checkpoint's iteration are dropped so the file reads as one uninterrupted run.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final String stage;
    private BufferedWriter out;

    public MetricsLog(Path file, String stage, long resumeIteration) {
        this.file = file;
        this.stage = stage;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                truncateAfter(resumeIteration);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private void truncateAfter(long iteration) throws IOException {
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                if (n.path("iter").asLong(Long.MAX_VALUE) <= iteration) {
                    keep.add(line);
                }
            } catch (IOException e) {
                // a torn last line from a killed run: drop it
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, keep, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void onIteration(IterationRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("iter", r.iteration());
        m.put("lr", r.lr());
        m.put("loss", r.loss());
        m.putAll(r.losses());
        m.put("sec_per_iter", r.secondsPerIteration());
        m.put("images_per_sec", r.imagesPerSecond());
        if (!Double.isNaN(r.gradNorm())) {
            m.put("grad_norm", r.gradNorm());
        }
        write(m);
    }

    @Override
    public void onEvaluation(long iteration, Map<String, Double> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("iter", iteration);
        m.put("eval", metrics);
        write(m);
    }

    private void write(Map<String, Object> m) {
        try {
            out.write(JSON.writeValueAsString(m));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads every line of a metrics file (for plots and reports). */
    public static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
