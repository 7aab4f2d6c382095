package org.cassl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a peer script from {@code /peers/} (class path) with Debian's {@code /usr/bin/python3}
 * (where PyTorch 1.13 and numpy live) and reads its one-line JSON answer. The environment pins
 * the peer to the same thread count and drops the OpenBLAS overrides ({@code OPENBLAS_CORETYPE},
 * {@code OPENBLAS_L2_SIZE}) that would otherwise make it pick a slower kernel.
 */
final class PythonPeer {
    static final String PYTHON = "/usr/bin/python3";
    private static final long TIMEOUT_SECONDS = 600;

    /** The peer's answer: a median and library name (and its whole JSON line), or the reason there is none. */
    record Outcome(Double medianMs, String library, String error, JsonNode json) {
        static Outcome failed(String why) {
            return new Outcome(null, null, why, null);
        }

        /** A number of the peer's line, or null when absent. */
        Double number(String key) {
            return json != null && json.has(key) ? json.get(key).asDouble() : null;
        }
    }

    private PythonPeer() {
    }

    static Outcome run(String script, int threads, List<String> args) {
        Path file = null;
        Path answer = null;
        try {
            file = extract(script);
            if (!Files.isExecutable(Path.of(PYTHON))) {
                return Outcome.failed(PYTHON + " not found");
            }
            // stdout goes to a file so that a hung peer cannot block us past the timeout
            answer = Files.createTempFile("cassl-peer-", ".json");
            List<String> cmd = new ArrayList<>();
            cmd.add(PYTHON);
            cmd.add(file.toString());
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(answer.toFile());
            Map<String, String> env = pb.environment();
            env.remove("OPENBLAS_CORETYPE");
            env.remove("OPENBLAS_L2_SIZE");
            String t = Integer.toString(threads);
            env.put("OMP_NUM_THREADS", t);
            env.put("OPENBLAS_NUM_THREADS", t);
            env.put("MKL_NUM_THREADS", t);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Outcome.failed("peer " + script + " timed out after " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(answer, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || text.isEmpty()) {
                return Outcome.failed("peer " + script + " exited with status " + p.exitValue());
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            JsonNode j = new ObjectMapper().readTree(last);
            if (j.has("error")) {
                return Outcome.failed(j.get("error").asText());
            }
            return new Outcome(j.get("median_ms").asDouble(), j.get("library").asText(), null, j);
        } catch (IOException e) {
            return Outcome.failed("peer " + script + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted while waiting for peer " + script);
        } finally {
            deleteQuietly(file);
            deleteQuietly(answer);
        }
    }

    private static void deleteQuietly(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    private static Path extract(String script) throws IOException {
        try (InputStream in = PythonPeer.class.getResourceAsStream("/peers/" + script)) {
            if (in == null) {
                throw new IOException("peer script /peers/" + script + " missing from the class path");
            }
            Path f = Files.createTempFile("cassl-peer-", ".py");
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            return f;
        }
    }
}
