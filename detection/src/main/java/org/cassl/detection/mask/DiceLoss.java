package org.cassl.detection.mask;

import java.util.Arrays;
import org.cassl.autograd.Variable;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/**
 * CondInst's dice loss (AdelaiDet {@code dice_coefficient}): per instance
 * {@code 1 - 2 * sum(p * g) / (sum p^2 + sum g^2 + 1e-5)}, with {@code p} the mask probabilities
 * and {@code g} the binary ground truth. The epsilon keeps an instance whose prediction and
 * ground truth are both empty finite (loss 1, zero gradient through {@code g}).
 */
public final class DiceLoss {
    public static final double EPS = 1e-5;

    private DiceLoss() {
    }

    /** Per-instance losses {@code [M]} of probabilities {@code [M, ...]} against targets of the same shape. */
    public static Variable perInstance(Variable probs, Tensor targets) {
        if (!Arrays.equals(probs.shape(), targets.shape())) {
            throw new ShapeMismatchException("DiceLoss: probabilities " + Arrays.toString(probs.shape())
                    + " and targets " + Arrays.toString(targets.shape()) + " differ in shape");
        }
        int m = probs.size(0);
        Variable p = probs.reshape(m, -1);
        Tensor g = targets.to(probs.dtype()).reshape(m, -1);
        Variable intersection = p.mul(Variable.of(g)).sum(1, false);
        Variable union = p.square().sum(1, false).add(Variable.of(g.square().sum(1, false))).add(EPS);
        return intersection.mul(2).div(union).rsub(1);
    }

    /** The mean of {@link #perInstance} over instances ({@code M >= 1}). */
    public static Variable mean(Variable probs, Tensor targets) {
        return perInstance(probs, targets).mean();
    }
}
