package org.cassl.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Backward inside a recycling scope hands dead gradients back during the pass and adopts fresh
 * leaf gradients without a copy: the gradients must be those of a plain pass, bit for bit, on a
 * graph whose gradients share storage in every way the tape allows (an add passing one gradient
 * to both inputs, views, a variable used twice, a leaf used twice, slices of one gradient).
 */
class TapeRecyclingTest {
    /** Shapes of at least 4096 elements, so the recycling scope tracks them. */
    private static final int ROWS = 64;
    private static final int COLS = 80;

    private record Params(Variable w1, Variable w2, Variable bias) {
        List<Variable> all() {
            return List.of(w1, w2, bias);
        }
    }

    private static Params params() {
        Generator g = new Generator(5);
        return new Params(Variable.parameter(Tensor.randn(g, ROWS, COLS)), Variable.parameter(Tensor.randn(g, ROWS, COLS)),
                Variable.parameter(Tensor.randn(g, COLS)));
    }

    private static Variable loss(Params p, Tensor x) {
        Variable h = p.w1().mul(Variable.of(x)).add(p.w2());               // add: one gradient for both inputs
        Variable a = h.relu().mul(h.sigmoid());                             // h used twice: summed gradients
        Variable r = a.reshape(COLS, ROWS).t();                             // views of one gradient
        Variable c = Variable.cat(List.of(r.slice(0, 32, ROWS), r.slice(0, 0, 32)), 0); // slices of one gradient
        Variable y = c.mul(p.w1()).add(p.bias().expand(ROWS, COLS));       // w1 used twice
        return y.mul(y).sum();
    }

    private static float[][] grads(Params p) {
        return new float[][] {p.w1().grad().toFloatArray(), p.w2().grad().toFloatArray(), p.bias().grad().toFloatArray()};
    }

    @Test
    void gradientsInARecyclingScopeEqualAPlainPassBitForBit() {
        Tensor x = Tensor.randn(new Generator(6), ROWS, COLS);
        Params plain = params();
        loss(plain, x).backward();
        float[][] expected = grads(plain);

        Params recycled = params();
        for (int step = 0; step < 3; step++) {
            for (Variable v : recycled.all()) {
                v.zeroGrad();
            }
            try (MemoryScope scope = MemoryScope.openRecycling(Device.CPU)) {
                loss(recycled, x).backward();
                for (Variable v : recycled.all()) {
                    scope.keep(v.grad());
                }
            }
            // read after the scope closed: kept gradients survive it
            float[][] got = grads(recycled);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], got[i], "gradient " + i + " at step " + step);
            }
        }
    }

    @Test
    void accumulatingIntoExistingGradientsInAScopeEqualsAPlainPass() {
        Tensor x = Tensor.randn(new Generator(7), ROWS, COLS);
        Params plain = params();
        loss(plain, x).backward();
        loss(plain, x).backward();
        float[][] expected = grads(plain);
        Params recycled = params();
        try (MemoryScope scope = MemoryScope.openRecycling(Device.CPU)) {
            loss(recycled, x).backward();
            loss(recycled, x).backward();
            for (Variable v : recycled.all()) {
                scope.keep(v.grad());
            }
        }
        float[][] got = grads(recycled);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], got[i], "gradient " + i);
        }
    }

    /** Elements of the chain's tensors: large, so that arrays dominate what a pass allocates. */
    private static final int CHAIN_LENGTH = (1 << 20) + 7;

    /** Bytes a backward pass through a chain of 20 scalings allocates on this thread. */
    private static long chainBackwardBytes(boolean recycling) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // a length no other test uses, so the pool holds no arrays of it beforehand
        Variable p = Variable.parameter(Tensor.randn(new Generator(8), CHAIN_LENGTH));
        try (MemoryScope scope = recycling ? MemoryScope.openRecycling(Device.CPU) : MemoryScope.none()) {
            Variable y = p;
            for (int i = 0; i < 20; i++) {
                y = y.mul(1.01);
            }
            Variable loss = y.sum();
            long before = threads.getCurrentThreadAllocatedBytes();
            loss.backward();
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(Math.pow(1.01, 20), p.grad().toFloatArray()[7], 1e-5);
            return bytes;
        }
    }

    @Test
    void deadGradientsAreReusedWithinThePass() {
        chainBackwardBytes(false); // warm up the code paths
        long plain = chainBackwardBytes(false);
        long recycled = chainBackwardBytes(true);
        // 20 gradients of 4 MB each without reuse; with it, a couple of arrays circulate
        assertTrue(plain > 20L * CHAIN_LENGTH * 4, "plain pass allocated " + plain + " bytes");
        assertTrue(recycled < plain / 4, "recycling pass allocated " + recycled + " bytes, plain " + plain);
    }
}
