package org.cassl.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Java generator reproduces the stream bench/gpu/torch_peer.py uses (values from the Python side). */
class BenchDataTest {

    @Test
    void sameStreamAsThePythonPeer() {
        BenchData d = new BenchData(1);
        assertEquals(0.42320913f, d.next(), 1e-7);
        assertEquals(0.5094074f, d.next(), 1e-7);
        assertEquals(0.64835936f, d.next(), 1e-7);
        float[] v = new BenchData(1).uniform(10000);
        assertEquals(0.38391328f, v[4095], 1e-7);
        assertEquals(0.25210040807724f, v[9999], 1e-7);
        float[] b = new BenchData(3).boxes(2, 1333, 800, 8, 200);
        float[] expected = {957.1579f, 252.56833f, 986.8943f, 322.9347f, 607.3916f, 348.24765f, 734.2572f, 429.17206f};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], b[i], 1e-3, "box coordinate " + i);
        }
    }

    @Test
    void fcosPointsFollowTorchvisionStrides() {
        float[][] p = BenchData.fcosPoints(800, 1344);
        // 100x168 + 50x84 + 25x42 + 13x21 + 7x11 points
        assertEquals(16800 + 4200 + 1050 + 273 + 77, p[1].length);
        int p6 = 16800 + 4200 + 1050;
        assertEquals(800 / 13, p[0][2 * (p6 + 21) + 1], 0, "P6 stride is 800 // 13 = 61, not 64");
        assertEquals(Float.POSITIVE_INFINITY, p[3][p[3].length - 1]);
        assertEquals(0, p[2][0]);
    }
}
