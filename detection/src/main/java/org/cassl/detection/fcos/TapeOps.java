package org.cassl.detection.fcos;

import java.util.Arrays;
import org.cassl.autograd.Tape;
import org.cassl.autograd.Variable;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;

/** Small differentiable ops the FCOS loss needs, each one tape node with its backward beside it. */
final class TapeOps {
    private TapeOps() {
    }

    /** Rows {@code index} (I64 {@code [M]}) of {@code x [R, ...]} -> {@code [M, ...]}; backward scatters back with index_add. */
    static Variable rows(Variable x, Tensor index) {
        int[] shape = x.shape();
        Tensor out = x.data().indexSelect(0, index);
        return Tape.record("index_select", out,
                (g, needs) -> new Tensor[] {Tensor.zeros(g.dtype(), g.device(), shape).indexAdd(0, index, g)}, x);
    }

    /** {@code sum(BCEWithLogits(x, t))} over all elements; gradient {@code sigmoid(x) - t} to x. */
    static Variable bceWithLogitsSum(Variable logits, Tensor targets) {
        Tensor x = logits.data();
        Tensor t = targets.to(x.dtype());
        if (!Arrays.equals(x.shape(), t.shape())) {
            throw new ShapeMismatchException("binary_cross_entropy_with_logits: targets of shape "
                    + Arrays.toString(t.shape()) + " do not match inputs of shape " + Arrays.toString(x.shape()));
        }
        Tensor out = SigmoidFocalLoss.bceWithLogits(x, t).sum();
        return Tape.record("binary_cross_entropy_with_logits", out,
                (g, needs) -> new Tensor[] {x.sigmoid().sub(t).mul(g)}, logits);
    }

    /** {@code x / d} for a plain number d. */
    static Variable divide(Variable x, double d) {
        Tensor out = x.data().div(d);
        return Tape.record("div", out, (g, needs) -> new Tensor[] {g.div(d)}, x);
    }
}
