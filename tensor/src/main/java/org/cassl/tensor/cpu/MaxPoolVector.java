package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float max pooling of the output columns whose windows lie inside the input's width, a vector of
 * adjacent output columns at a time (their taps gathered at the stride): the scalar loop's
 * data-dependent branch on every tap cost about 160 cycles an output (the ResNet stem's pool was
 * 1.5-2.5% of a training step). Each lane scans its window in the scalar loop's order with the same
 * rule (a tap replaces the maximum when greater or NaN), so values and indices are the same.
 */
final class MaxPoolVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Whether this machine's vectors are wide enough to pay (8 lanes or more). */
    static final boolean ENABLED = F.length() >= 8;

    private MaxPoolVector() {
    }

    /** Lane offsets {@code l * stride}, the gather's index map. */
    static int[] laneOffsets(int stride) {
        int[] m = new int[F.length()];
        for (int l = 0; l < m.length; l++) {
            m[l] = l * stride;
        }
        return m;
    }

    static int lanes() {
        return F.length();
    }

    /**
     * Output columns {@code ow0 .. ow0 + lanes()} of output row {@code oh}: taps in input rows
     * {@code ih0, ih0 + dilH, ...} below {@code ih1}, columns {@code start(ow) + tw * dilW} for every
     * {@code tw < k} (all inside the row), x's rows {@code sh} apart and columns adjacent.
     */
    static void block(float[] x, int xOff, int sh, int inW, int ih0, int ih1, int dilH, int col0, int stride, int k,
                      int dilW, int[] map, float[] out, int o, long[] idx, int io, int[] scratch) {
        FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        IntVector offsets = IntVector.fromArray(I, map, 0);
        IntVector at = offsets.add(ih0 * inW + col0);
        for (int ih = ih0; ih < ih1; ih += dilH) {
            int row = xOff + ih * sh;
            for (int tw = 0; tw < k; tw++) {
                int c = col0 + tw * dilW;
                FloatVector v = stride == 1 ? FloatVector.fromArray(F, x, row + c)
                        : FloatVector.fromArray(F, x, row + c, map, 0);
                VectorMask<Float> take = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
                best = best.blend(v, take);
                at = at.blend(offsets.add(ih * inW + c), take.cast(I));
            }
        }
        best.intoArray(out, o);
        at.intoArray(scratch, 0);
        for (int l = 0; l < scratch.length; l++) {
            idx[io + l] = scratch[l];
        }
    }
}
