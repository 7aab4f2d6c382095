package org.cassl.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

class TapeTest {
    private static Tensor t(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void constantsDoNotRecordAndParametersDo() {
        Variable c = Variable.of(t(1, 2));
        Variable p = Variable.parameter(t(3, 4));
        assertFalse(c.mul(c).requiresGrad());
        assertNull(c.mul(c).gradFn());
        Variable y = p.mul(c);
        assertTrue(y.requiresGrad());
        assertEquals("mul", y.gradFn().op());
        assertTrue(p.isLeaf());
        assertFalse(y.isLeaf());
        assertThrows(IllegalArgumentException.class, () -> Variable.parameter(Tensor.arange(3)));
    }

    @Test
    void backwardWithExplicitGradientForNonScalars() {
        Variable x = Variable.parameter(t(1, 2, 3));
        Variable y = x.mul(x);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(t(1, 10, 100));
        TensorAssert.assertClose(t(2, 40, 600), x.grad(), 0, 0, "d(x^2) . g");
        assertThrows(ShapeMismatchException.class, () -> x.mul(2).backward(t(1, 2)));
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Variable x = Variable.parameter(t(1, 2));
        x.mul(3).sum().backward();
        x.mul(x).sum().backward();
        TensorAssert.assertClose(t(3 + 2, 3 + 4), x.grad(), 0, 0, "accumulated");
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Variable x = Variable.parameter(t(2));
        Variable y = x.mul(x);
        y.add(y).mul(y).sum().backward(); // 2 x^4 -> 8 x^3
        TensorAssert.assertClose(t(64), x.grad(), 0, 0, "diamond");
    }

    @Test
    void gradModeOffRecordsNothingAndRestores() {
        Variable x = Variable.parameter(t(1));
        GradMode.Scope off = GradMode.off();
        try {
            assertFalse(GradMode.isEnabled());
            assertFalse(x.mul(2).requiresGrad());
            GradMode.Scope on = GradMode.on();
            try {
                assertTrue(x.mul(2).requiresGrad());
            } finally {
                on.close();
            }
            assertFalse(GradMode.isEnabled());
        } finally {
            off.close();
        }
        assertTrue(GradMode.isEnabled());
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void detachCutsTheTapeButSharesData() {
        Variable x = Variable.parameter(t(1, 2));
        Variable d = x.mul(2).detach();
        assertFalse(d.requiresGrad());
        Variable y = x.mul(d).sum();
        y.backward();
        TensorAssert.assertClose(t(2, 4), x.grad(), 0, 0, "d treated as constant");
        Variable dx = x.detach();
        assertSame(x.data(), dx.data());
    }

    @Test
    void secondBackwardThroughAFreedGraphFailsClearly() {
        Variable x = Variable.parameter(t(1, 2));
        Variable y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void retainedGraphCanBeReusedAndAccumulates() {
        Variable x = Variable.parameter(t(0.5));
        Variable y = x.mul(x).sum();
        Tensor one = Tensor.full(1, DType.F64);
        y.backward(one, true);
        y.backward(one, false);
        TensorAssert.assertClose(t(2.0), x.grad(), 0, 0, "2 * 2x");
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void backwardOfAConstantFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Variable.of(t(1)).backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void gradientsAreCastToTheInputDtype() {
        Variable x = Variable.parameter(Tensor.of(new float[] {1, 2}, 2));
        Variable w = Variable.parameter(t(3, 4));
        x.mul(w).sum().backward();
        assertEquals(DType.F32, x.grad().dtype());
        assertEquals(DType.F64, w.grad().dtype());
        TensorAssert.assertClose(t(3, 4), x.grad(), 0, 0, "mixed dtypes");
    }

    @Test
    void tenThousandOpChainBackpropagatesWithoutRecursion() {
        Variable x = Variable.parameter(t(1.0));
        Variable y = x;
        for (int i = 0; i < 10_000; i++) {
            y = y.mul(1.0001).add(0.1);
        }
        y.sum().backward();
        assertNotNull(x.grad());
        TensorAssert.assertClose(t(Math.pow(1.0001, 10_000)), x.grad(), 1e-9, 0, "product of the chain");
    }

    /** Whether the tensor {@code ref} points to becomes collectable (full collections, a few tries). */
    private static boolean collected(java.lang.ref.WeakReference<Tensor> ref) throws InterruptedException {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        return ref.get() == null;
    }

    /** The intermediate {@code exp(x)} of {@code sum(sin(exp(x)))}, saved by both ops, dropped here. */
    private static Variable lossOverAnIntermediate(Variable x, java.util.List<java.lang.ref.WeakReference<Tensor>> refs) {
        Variable mid = x.exp();
        refs.add(new java.lang.ref.WeakReference<>(mid.data()));
        return mid.sin().sum();
    }

    @Test
    void backwardLetsGoOfActivationsWhileTheLossIsStillHeld() throws InterruptedException {
        java.util.List<java.lang.ref.WeakReference<Tensor>> refs = new java.util.ArrayList<>();
        Variable x = Variable.parameter(Tensor.randn(new org.cassl.tensor.Generator(3), 64, 64));
        Variable loss = lossOverAnIntermediate(x, refs);
        Variable kept = lossOverAnIntermediate(x, refs);
        kept.backward(Tensor.scalar(1f), true);
        loss.backward();
        assertTrue(collected(refs.get(0)), "after backward the tape still holds exp(x)");
        // with the graph retained, the activation stays for a second backward
        assertNotNull(refs.get(1).get());
        assertFalse(collected(refs.get(1)), "a retained graph lost its saved tensor");
        kept.backward();
        assertNotNull(loss.data());
        assertNotNull(kept.data());
    }
}
