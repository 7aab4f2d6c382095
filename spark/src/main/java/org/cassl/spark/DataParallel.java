package org.cassl.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Data-parallel replicas as one Spark barrier stage: {@code world} tasks start together, each opens
 * a listening socket, the addresses go round through {@link BarrierTaskContext#allGather}, the ring
 * is connected, and each task runs the replica body with a {@link RingGradientSync}. When any task
 * fails, Spark restarts the whole stage; bodies resume from rank 0's last checkpoint.
 */
public final class DataParallel {
    private DataParallel() {
    }

    /** What each replica runs; its result (one line) comes back to the driver. */
    public interface Replica extends Serializable {
        String run(int rank, int world, RingGradientSync sync, RingAllReduce ring) throws Exception;
    }

    /** Runs {@code world} replicas; results by rank. */
    public static List<String> run(JavaSparkContext sc, int world, Replica body) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            ranks.add(r);
        }
        ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
        RDD<String> rdd = sc.parallelize(ranks, world).rdd().barrier().mapPartitions(new Task(body), false, tag);
        List<String> out = new ArrayList<>(new JavaRDD<>(rdd, tag).collect());
        return out;
    }

    /**
     * Tests' failure injection: ends replica {@code rank} once it has finished iteration
     * {@code failAt}, by halting its executor JVM (executor loss) or by throwing (task failure).
     */
    static void failAfter(long iteration, long failAt, boolean halt, int rank) {
        if (iteration != failAt) {
            return;
        }
        if (halt) {
            Runtime.getRuntime().halt(17);
        }
        throw new IllegalStateException("injected failure of replica " + rank + " after iteration " + iteration);
    }

    /**
     * Runs {@code world} replicas, and when the stage fails starts it again, up to {@code retries}
     * times (Spark does not retry a failed barrier result stage itself); {@code body} gets the
     * attempt number (0 first), and replicas are expected to resume from the newest checkpoint.
     * A {@link org.cassl.training.UserInputException} is not retried.
     *
     * @param what names the stage in the message printed before a retry
     */
    public static List<String> runWithRetries(JavaSparkContext sc, int world, int retries, String what,
                                              java.util.function.IntFunction<Replica> body) {
        for (int attempt = 0; ; attempt++) {
            try {
                return run(sc, world, body.apply(attempt));
            } catch (Exception e) { // SparkException is checked but thrown undeclared through Scala
                if (attempt >= retries || e instanceof org.cassl.training.UserInputException) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(firstLine(e), e);
                }
                System.err.println(what + ": the barrier stage failed (" + firstLine(e) + "); attempt " + (attempt + 2)
                        + " of " + (retries + 1) + " resumes from the newest checkpoint");
            }
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static final class Task extends AbstractFunction1<Iterator<Integer>, Iterator<String>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Replica body;

        Task(Replica body) {
            this.body = body;
        }

        @Override
        public Iterator<String> apply(Iterator<Integer> it) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId();
            int world = ctx.getTaskInfos().length;
            String host = bindHost();
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(host, 0));
                String[] all = ctx.allGather(host + ":" + server.getLocalPort());
                try (RingAllReduce ring = new RingAllReduce(rank, server, Arrays.asList(all), 120_000)) {
                    ring.noReadTimeout(); // a replica may evaluate or checkpoint for long between steps
                    String r = body.run(rank, world, new RingGradientSync(ring), ring);
                    ctx.barrier();
                    return CollectionConverters.asScala(List.of(r).iterator());
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new RuntimeException("replica " + rank + ": " + e.getMessage(), e);
            }
        }
    }

    /** The address peers reach this executor at: SPARK_LOCAL_IP when set, else the host's address. */
    static String bindHost() {
        String ip = System.getenv("SPARK_LOCAL_IP");
        if (ip != null && !ip.isBlank()) {
            return ip;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }
}
