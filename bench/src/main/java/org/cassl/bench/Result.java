package org.cassl.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark measurement, ours and (when it ran) the Python peer's on the same shape and
 * thread count.
 *
 * @param name         benchmark name ({@code gemm}, {@code conv_forward}, ...)
 * @param shape        the problem, e.g. {@code 1024x1024x1024} or {@code B2 C256 K256 64x64 k3}
 * @param threads      worker threads used by both sides
 * @param reps         timed repetitions (after warm-up)
 * @param medianMs     our median wall time of one repetition
 * @param minMs        our fastest repetition
 * @param gflops       our useful floating-point work rate at the median
 * @param peer         the peer library and version, or null when no peer ran
 * @param peerMedianMs the peer's median, or null
 * @param peerGflops   the peer's rate at its median, or null
 * @param peerNote     why the peer did not run (or null)
 * @param extra        further measurements of this benchmark (e.g. images_per_s, peak_rss_mb), in output order
 */
public record Result(String name, String shape, int threads, int reps, double medianMs, double minMs, double gflops,
                     String peer, Double peerMedianMs, Double peerGflops, String peerNote, Map<String, Object> extra) {

    /** A result without further measurements. */
    public Result(String name, String shape, int threads, int reps, double medianMs, double minMs, double gflops,
                  String peer, Double peerMedianMs, Double peerGflops, String peerNote) {
        this(name, shape, threads, reps, medianMs, minMs, gflops, peer, peerMedianMs, peerGflops, peerNote, Map.of());
    }

    /** Peer median over ours: above 1 means we are faster. Null without a peer. */
    public Double speedupOverPeer() {
        return peerMedianMs == null ? null : peerMedianMs / medianMs;
    }

    /** The fields with snake_case keys, in a stable order, for JSON output. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("shape", shape);
        m.put("threads", threads);
        m.put("reps", reps);
        m.put("median_ms", medianMs);
        m.put("min_ms", minMs);
        m.put("gflops", Double.isNaN(gflops) ? null : gflops);
        m.put("peer", peer);
        m.put("peer_median_ms", peerMedianMs);
        m.put("peer_gflops", peerGflops);
        m.put("speedup_over_peer", speedupOverPeer());
        m.put("peer_note", peerNote);
        m.putAll(extra);
        return m;
    }

    public String toJson() {
        try {
            return new ObjectMapper().writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise benchmark result", e);
        }
    }

    /** One human-readable line. */
    @Override
    public String toString() {
        String ours = String.format("%s %s threads=%d: %.2f ms median (%.1f GFLOP/s)", name, shape, threads, medianMs,
                gflops);
        if (!extra.isEmpty()) {
            ours += " " + extra;
        }
        if (peerMedianMs == null) {
            return ours + (peerNote == null ? "" : "; peer: " + peerNote);
        }
        return ours + String.format("; %s: %.2f ms (%.1f GFLOP/s), speedup %.2fx", peer, peerMedianMs, peerGflops,
                speedupOverPeer());
    }
}
