package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;

/**
 * Every Backend primitive on the CUDA backend compared with the CPU backend (the reference) on
 * seeded random inputs of many shapes: empty, single elements, sizes that are not multiples of
 * any tile, large inputs, strided and broadcast views, forward and backward. Runs from JUnit
 * ({@code CrossBackendSuiteTest}, skipped without a GPU) and from {@link CrossBackendMain} on the
 * GPU machine.
 */
public final class CrossBackendSuite {
    private CrossBackendSuite() {
    }

    public static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(ElementwiseCases.cases());
        all.addAll(ReduceCases.cases());
        all.addAll(LinalgConvCases.cases());
        all.addAll(NnCases.cases());
        all.addAll(IndexingCases.cases());
        all.addAll(DetectionCases.cases());
        all.addAll(CompositeCases.cases());
        return all;
    }
}
