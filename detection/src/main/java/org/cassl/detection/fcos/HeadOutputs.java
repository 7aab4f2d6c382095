package org.cassl.detection.fcos;

import java.util.List;
import org.cassl.autograd.Variable;

/**
 * Dense FCOS head outputs over all levels (levels concatenated, row-major (y, x) within a level).
 *
 * @param clsLogits      {@code [N, P, K]} classification logits
 * @param bboxRegression {@code [N, P, 4]} non-negative (ReLU'd) box codes (l, t, r, b) in anchor sizes
 * @param bboxCtrness    {@code [N, P, 1]} centerness logits
 * @param boxTower       per level, the regression tower's output {@code [N, F, H_l, W_l]} (what
 *                       CondInst's controller reads); empty when not recorded
 */
public record HeadOutputs(Variable clsLogits, Variable bboxRegression, Variable bboxCtrness, List<Variable> boxTower) {
    public HeadOutputs {
        boxTower = boxTower == null ? List.of() : List.copyOf(boxTower);
    }

    /** Outputs without the tower features. */
    public HeadOutputs(Variable clsLogits, Variable bboxRegression, Variable bboxCtrness) {
        this(clsLogits, bboxRegression, bboxCtrness, List.of());
    }
}
