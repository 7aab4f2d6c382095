package org.cassl.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradCheckTest {
    /** x^2 with a rule that forgets the factor 2 on element [1, 2] only. */
    private static Variable wrongSquare(Variable a) {
        Tensor x = a.data();
        return Tape.record("wrong_square", x.mul(x), (g, needs) -> {
            Tensor d = x.mul(2);
            Tensor fix = Tensor.zeros(DType.F64, x.shape());
            fix.select(0, 1).select(0, 2).fill(1);
            return new Tensor[] {g.mul(d.sub(fix.mul(x)))};
        }, a);
    }

    @Test
    void passesForCorrectRules() {
        GradCheck.Result r = GradCheck.check(x -> x[0].mul(x[1]).sin(), Checks.randn(1, 3, 4), Checks.randn(2, 4));
        assertTrue(r.passed(), r.message());
        assertEquals(12 + 4, r.checked());
    }

    @Test
    void reportsTheInputTheElementAndBothValues() {
        Tensor x = Checks.randn(3, 2, 3);
        GradCheck.Result r = GradCheck.check(v -> wrongSquare(v[1]).mul(v[0]), Checks.randn(4, 2, 3), x);
        assertFalse(r.passed());
        assertEquals(1, r.mismatches().size());
        GradCheck.Mismatch m = r.mismatches().get(0);
        assertEquals(1, m.input());
        assertEquals("[1, 2]", java.util.Arrays.toString(m.index()));
        assertEquals(m.numerical() / 2, m.analytical(), 1e-6);
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        assertTrue(e.getMessage().contains("input 1 (shape [2, 3]) element [1, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("analytical " + m.analytical()), e.getMessage());
        assertTrue(e.getMessage().contains("numerical " + m.numerical()), e.getMessage());
    }

    @Test
    void fullJacobianModeNamesTheOutputElement() {
        GradCheck.Result r = GradCheck.check(v -> wrongSquare(v[0]), Checks.randn(5, 2, 3));
        // 6 output elements are within the default full-Jacobian limit of 8
        assertFalse(r.passed());
        assertEquals(36, r.checked());
        GradCheck.Mismatch m = r.mismatches().get(0);
        assertEquals("[1, 2]", java.util.Arrays.toString(m.output()));
        GradCheck.Result proj = GradCheck.check(v -> wrongSquare(v[0]), GradCheck.Options.defaults().withFullJacobianMax(0),
                Checks.randn(5, 2, 3));
        assertFalse(proj.passed());
        assertNull(proj.mismatches().get(0).output());
        assertEquals(6, proj.checked());
    }

    @Test
    void perturbsNonContiguousInputsThroughTheirViewAndRestoresThem() {
        Tensor base = Checks.randn(6, 4, 3);
        Tensor view = base.transpose(0, 1);
        double[] before = base.toDoubleArray();
        GradCheck.assertGradients(v -> v[0].mul(v[0]).sum(0, false), view);
        assertTrue(java.util.Arrays.equals(before, base.toDoubleArray()), "inputs restored exactly");
    }

    @Test
    void integerInputsAreConstants() {
        GradCheck.Result r = GradCheck.check(v -> v[0].mul(Variable.of(v[1].data().to(DType.F64))),
                Checks.randn(7, 3), Tensor.of(new long[] {1, 2, 3}, 3));
        assertTrue(r.passed(), r.message());
        assertEquals(9, r.checked());
    }

    @Test
    void rejectsOverlappingInputs() {
        Tensor expanded = Checks.randn(8, 1, 3).expand(4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(v -> v[0].exp(), expanded));
        assertTrue(e.getMessage().contains("overlapping"), e.getMessage());
    }

    @Test
    void leavesTheCallersGradientsAlone() {
        Variable x = Variable.parameter(Checks.randn(9, 3));
        x.sum().backward();
        Tensor g = x.grad();
        assertTrue(GradCheck.check(v -> v[0].exp(), GradCheck.Options.defaults(), x).passed());
        assertEquals(g, x.grad());
    }
}
