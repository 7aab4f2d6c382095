package org.cassl.detection.fcos;

import org.cassl.autograd.Variable;

/**
 * Dense FCOS head outputs over all levels (levels concatenated, row-major (y, x) within a level).
 *
 * @param clsLogits      {@code [N, P, K]} classification logits
 * @param bboxRegression {@code [N, P, 4]} non-negative (ReLU'd) box codes (l, t, r, b) in anchor sizes
 * @param bboxCtrness    {@code [N, P, 1]} centerness logits
 */
public record HeadOutputs(Variable clsLogits, Variable bboxRegression, Variable bboxCtrness) {
}
