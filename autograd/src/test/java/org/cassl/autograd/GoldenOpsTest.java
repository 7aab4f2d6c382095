package org.cassl.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward and backward of every op rule against PyTorch goldens ({@code tools/golden/gen_ops.py}),
 * one dynamic test per case, one factory per golden file.
 */
class GoldenOpsTest {
    static final String[] FILES = {"ops_elementwise", "ops_reduce", "ops_views", "ops_index", "ops_linalg", "ops_nn"};
    private static final GoldenRunner.Tolerance TIGHT = new GoldenRunner.Tolerance(1e-5, 1e-5);
    /** Products, convolutions and normalisations sum many float32 terms in a different order than PyTorch. */
    private static final GoldenRunner.Tolerance ACCUMULATING = new GoldenRunner.Tolerance(1e-4, 1e-5);

    @TestFactory
    List<DynamicTest> elementwise() {
        return GoldenRunner.tests("ops_elementwise", TIGHT);
    }

    @TestFactory
    List<DynamicTest> reductions() {
        return GoldenRunner.tests("ops_reduce", TIGHT);
    }

    @TestFactory
    List<DynamicTest> views() {
        return GoldenRunner.tests("ops_views", TIGHT);
    }

    @TestFactory
    List<DynamicTest> indexing() {
        return GoldenRunner.tests("ops_index", TIGHT);
    }

    @TestFactory
    List<DynamicTest> linalg() {
        return GoldenRunner.tests("ops_linalg", ACCUMULATING);
    }

    @TestFactory
    List<DynamicTest> nn() {
        return GoldenRunner.tests("ops_nn", ACCUMULATING);
    }

    /** Every registered op has golden cases and every golden op is registered. */
    @Test
    void everyOpHasGoldenCases() {
        Set<String> golden = new TreeSet<>();
        for (String f : FILES) {
            golden.addAll(GoldenOps.opsIn(Golden.load(f)));
        }
        assertEquals(new TreeSet<>(GoldenOps.OPS.keySet()), golden);
    }
}
