package org.cassl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.nn.layers.Conv2d;
import org.cassl.nn.layers.ConvTranspose2d;
import org.cassl.nn.layers.Linear;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

class InitTest {
    @Test
    void fansAndGains() {
        assertArrayEquals(new int[] {16 * 9, 32 * 9}, Init.fans(Tensor.zeros(32, 16, 3, 3)));
        assertArrayEquals(new int[] {7, 5}, Init.fans(Tensor.zeros(5, 7)));
        assertThrows(ShapeMismatchException.class, () -> Init.fans(Tensor.zeros(5)));
        assertEquals(Math.sqrt(2), Init.gain(Init.Nonlinearity.RELU, Double.NaN), 1e-15);
        assertEquals(Math.sqrt(2.0 / 6), Init.gain(Init.Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
        assertEquals(1.0, Init.gain(Init.Nonlinearity.LEAKY_RELU, 1), 1e-15);
        assertEquals(5.0 / 3, Init.gain(Init.Nonlinearity.TANH, Double.NaN), 1e-15);
    }

    @Test
    void kaimingUniformBoundsAndSpread() {
        Tensor t = Tensor.zeros(64, 32, 3, 3);
        Init.kaimingUniform(t, 1, new Generator(3));
        double bound = Math.sqrt(3.0 / (32 * 9));
        double[] v = t.toDoubleArray();
        double max = 0;
        double sq = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
            sq += x * x;
        }
        assertTrue(max <= bound && max > 0.99 * bound, "max " + max + " bound " + bound);
        assertEquals(bound * bound / 3, sq / v.length, 0.03 * bound * bound / 3);
    }

    @Test
    void kaimingNormalFanOutStd() {
        Tensor t = Tensor.zeros(64, 16, 3, 3);
        Init.kaimingNormal(t, 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, new Generator(4));
        double want = Math.sqrt(2.0 / (64 * 9));
        double std = Math.sqrt(t.square().mean().item());
        assertEquals(want, std, 0.03 * want);
    }

    @Test
    void xavierBound() {
        Tensor t = Tensor.zeros(20, 30);
        Init.xavierUniform(t, 2, new Generator(5));
        double bound = 2 * Math.sqrt(6.0 / 50);
        assertTrue(t.abs().max().item() <= bound);
        assertTrue(t.abs().max().item() > 0.95 * bound);
    }

    @Test
    void layerDefaultsMatchPyTorchBounds() {
        Conv2d c = new Conv2d(8, 16, 3, 3, Conv2dParams.defaults(), true, new Generator(6));
        double b = 1 / Math.sqrt(8 * 9);
        assertTrue(c.weight().data().abs().max().item() <= b && c.weight().data().abs().max().item() > 0.95 * b);
        assertTrue(c.bias().data().abs().max().item() <= b);
        Linear l = new Linear(50, 10, true, new Generator(7));
        assertTrue(l.weight().data().abs().max().item() <= 1 / Math.sqrt(50));
        ConvTranspose2d t = new ConvTranspose2d(6, 4, 2, Conv2dParams.of(2, 0, 1, 1), 0, true, new Generator(8));
        assertArrayEquals(new int[] {6, 4, 2, 2}, t.weight().shape());
        assertTrue(t.bias().data().abs().max().item() <= 1 / Math.sqrt(4 * 4));
    }

    @Test
    void sameSeedSameWeights() {
        Conv2d a = new Conv2d(3, 4, 3, 3, Conv2dParams.defaults(), true, new Generator(9));
        Conv2d b = new Conv2d(3, 4, 3, 3, Conv2dParams.defaults(), true, new Generator(9));
        TensorAssert.assertEqual(a.weight().data(), b.weight().data(), "weight");
        Init.manualSeed(42);
        Linear x = new Linear(3, 3);
        Init.manualSeed(42);
        Linear y = new Linear(3, 3);
        TensorAssert.assertEqual(x.weight().data(), y.weight().data(), "default generator");
    }
}
