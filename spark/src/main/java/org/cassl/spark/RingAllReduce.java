package org.cassl.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ring all-reduce (sum) of float arrays over plain TCP between {@code world} peers: each peer sends
 * to rank+1 and receives from rank-1. A reduce-scatter (world-1 steps, each peer ends owning the
 * full sum of one chunk) then an all-gather (world-1 steps, the owned chunks go round). Every peer
 * ends with the same bytes: each chunk is summed once, in one order, and then copied.
 */
public final class RingAllReduce implements AutoCloseable {
    private final int rank;
    private final int world;
    private final Socket toNext;
    private final Socket fromPrev;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender;
    private long bytesSent;
    private double seconds;

    /**
     * Connects the ring. {@code server} is this peer's listening socket; {@code addresses} are all
     * peers' "host:port", by rank (exchanged through Spark's barrier {@code allGather}).
     */
    public RingAllReduce(int rank, ServerSocket server, List<String> addresses, int timeoutMillis) throws IOException {
        this.rank = rank;
        this.world = addresses.size();
        if (world == 1) {
            toNext = null;
            fromPrev = null;
            out = null;
            in = null;
            sender = null;
            return;
        }
        String next = addresses.get((rank + 1) % world);
        int colon = next.lastIndexOf(':');
        Socket s = new Socket();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        server.setSoTimeout(timeoutMillis);
        // connect to the next peer while accepting the previous one (every peer listens before the allGather)
        ExecutorService connector = Executors.newSingleThreadExecutor(r -> daemon(r, "cassl-ring-connect"));
        try {
            Future<?> c = connector.submit(() -> {
                while (true) {
                    try {
                        s.connect(new InetSocketAddress(next.substring(0, colon), Integer.parseInt(next.substring(colon + 1))),
                                timeoutMillis);
                        return null;
                    } catch (IOException e) {
                        if (System.currentTimeMillis() > deadline) {
                            throw e;
                        }
                        Thread.sleep(50);
                    }
                }
            });
            fromPrev = server.accept();
            c.get();
        } catch (Exception e) {
            throw new IOException("ring all-reduce: rank " + rank + " cannot connect to its peers: " + e.getMessage(), e);
        } finally {
            connector.shutdownNow();
        }
        toNext = s;
        toNext.setTcpNoDelay(true);
        fromPrev.setSoTimeout(timeoutMillis);
        out = new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
        in = new DataInputStream(new BufferedInputStream(fromPrev.getInputStream(), 1 << 16));
        sender = Executors.newSingleThreadExecutor(r -> daemon(r, "cassl-ring-send"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Reads wait as long as it takes (a lost peer still ends them: its socket closes). */
    public void noReadTimeout() throws IOException {
        if (fromPrev != null) {
            fromPrev.setSoTimeout(0);
        }
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    /** Bytes this peer sent so far. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Seconds spent in {@link #sum} so far. */
    public double seconds() {
        return seconds;
    }

    /** Replaces {@code data} (same length on every peer) by its element-wise sum over all peers. */
    public void sum(float[] data) {
        if (world == 1) {
            return;
        }
        long t0 = System.nanoTime();
        int n = data.length;
        int[] start = new int[world + 1];
        for (int c = 0; c <= world; c++) {
            start[c] = (int) ((long) n * c / world);
        }
        try {
            for (int s = 0; s < world - 1; s++) {
                int send = Math.floorMod(rank - s, world);
                int recv = Math.floorMod(rank - s - 1, world);
                exchange(data, start[send], start[send + 1], start[recv], start[recv + 1], true);
            }
            for (int s = 0; s < world - 1; s++) {
                int send = Math.floorMod(rank - s + 1, world);
                int recv = Math.floorMod(rank - s, world);
                exchange(data, start[send], start[send + 1], start[recv], start[recv + 1], false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ring all-reduce: rank " + rank + ": " + e.getMessage(), e);
        }
        seconds += (System.nanoTime() - t0) / 1e9;
    }

    /** Floats per socket write/read: bulk conversions of this many at a time. */
    private static final int CHUNK = 1 << 16;

    private void exchange(float[] data, int sFrom, int sTo, int rFrom, int rTo, boolean add) throws IOException {
        float[] outgoing = java.util.Arrays.copyOfRange(data, sFrom, sTo);
        Future<?> f = sender.submit(() -> {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * CHUNK);
            for (int at = 0; at < outgoing.length; at += CHUNK) {
                int n = Math.min(CHUNK, outgoing.length - at);
                buf.clear();
                buf.asFloatBuffer().put(outgoing, at, n);
                out.write(buf.array(), 0, 4 * n);
            }
            out.flush();
            return null;
        });
        byte[] bytes = new byte[4 * CHUNK];
        float[] in4 = new float[CHUNK];
        java.nio.FloatBuffer view = java.nio.ByteBuffer.wrap(bytes).asFloatBuffer();
        for (int at = rFrom; at < rTo; at += CHUNK) {
            int n = Math.min(CHUNK, rTo - at);
            in.readFully(bytes, 0, 4 * n);
            view.clear();
            view.get(in4, 0, n);
            if (add) {
                for (int i = 0; i < n; i++) {
                    data[at + i] += in4[i];
                }
            } else {
                System.arraycopy(in4, 0, data, at, n);
            }
        }
        try {
            f.get();
        } catch (Exception e) {
            throw new IOException("send failed: " + e.getMessage(), e);
        }
        bytesSent += 4L * outgoing.length;
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.shutdownNow();
        }
        try {
            if (toNext != null) {
                toNext.close();
            }
            if (fromPrev != null) {
                fromPrev.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
