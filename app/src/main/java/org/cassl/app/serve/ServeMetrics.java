package org.cassl.app.serve;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The service's counters in Prometheus' text format (version 0.0.4): requests by route and status,
 * a histogram of detection latency with p50/p90/p99 over the last {@value #WINDOW} answered
 * detections, queue depth and detections in flight.
 */
final class ServeMetrics {
    static final int WINDOW = 2048;
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private record Key(String route, int code) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final double[] window = new double[WINDOW];
    private long windowFilled;
    private double latencySum;
    private final IntSupplier queueDepth;
    private final IntSupplier inFlight;
    private final int threads;
    private final int queue;

    ServeMetrics(int threads, int queue, IntSupplier queueDepth, IntSupplier inFlight) {
        this.threads = threads;
        this.queue = queue;
        this.queueDepth = queueDepth;
        this.inFlight = inFlight;
        for (int i = 0; i < bucketCounts.length; i++) {
            bucketCounts[i] = new LongAdder();
        }
    }

    /** Counts one answered request. */
    void request(String route, int code) {
        requests.computeIfAbsent(new Key(route, code), k -> new LongAdder()).increment();
    }

    /** Records the latency of one answered detection (status 200), arrival to answer. */
    void detectLatency(double seconds) {
        int b = 0;
        while (b < BUCKETS.length && seconds > BUCKETS[b]) {
            b++;
        }
        bucketCounts[b].increment();
        latencyCount.increment();
        synchronized (window) {
            window[(int) (windowFilled++ % WINDOW)] = seconds;
            latencySum += seconds;
        }
    }

    /** The latency quantile q in [0, 1] over the recent window (NaN when nothing was answered yet). */
    double quantile(double q) {
        double[] copy;
        synchronized (window) {
            copy = Arrays.copyOf(window, (int) Math.min(windowFilled, WINDOW));
        }
        if (copy.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(copy);
        return copy[Math.max(0, (int) Math.ceil(q * copy.length) - 1)]; // nearest rank
    }

    /** Requests answered so far with the given status, all routes together. */
    long count(int code) {
        long n = 0;
        for (Map.Entry<Key, LongAdder> e : requests.entrySet()) {
            if (e.getKey().code() == code) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    String render() {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("# HELP cassl_http_requests_total HTTP requests answered, by route and status.\n");
        sb.append("# TYPE cassl_http_requests_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put("{route=\"" + k.route() + "\",code=\"" + k.code() + "\"}", v.sum()));
        sorted.forEach((labels, v) -> sb.append("cassl_http_requests_total").append(labels).append(' ').append(v).append('\n'));

        sb.append("# HELP cassl_detect_duration_seconds Time from arrival to answer of successful detections.\n");
        sb.append("# TYPE cassl_detect_duration_seconds histogram\n");
        long cum = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cum += bucketCounts[i].sum();
            sb.append("cassl_detect_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cum).append('\n');
        }
        cum += bucketCounts[BUCKETS.length].sum();
        double sum;
        synchronized (window) {
            sum = latencySum;
        }
        sb.append("cassl_detect_duration_seconds_bucket{le=\"+Inf\"} ").append(cum).append('\n');
        sb.append("cassl_detect_duration_seconds_sum ").append(sum).append('\n');
        sb.append("cassl_detect_duration_seconds_count ").append(cum).append('\n');

        sb.append("# HELP cassl_detect_latency_seconds Latency quantiles over the last " + WINDOW
                + " successful detections.\n");
        sb.append("# TYPE cassl_detect_latency_seconds gauge\n");
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            sb.append("cassl_detect_latency_seconds{quantile=\"").append(q).append("\"} ").append(fmt(quantile(q))).append('\n');
        }
        gauge(sb, "cassl_queue_depth", "Detections admitted and waiting for a worker.", queueDepth.getAsInt());
        gauge(sb, "cassl_in_flight", "Detections running now.", inFlight.getAsInt());
        gauge(sb, "cassl_queue_capacity", "Most detections that may wait (--queue).", queue);
        gauge(sb, "cassl_workers", "Most detections that run at once (--threads).", threads);
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }
}
