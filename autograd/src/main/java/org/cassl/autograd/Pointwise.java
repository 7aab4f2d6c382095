package org.cassl.autograd;

import org.cassl.tensor.NnOps;
import org.cassl.tensor.Tensor;

/**
 * Elementwise unary ops: forward and backward side by side. Derivatives follow PyTorch's
 * formulas (e.g. {@code d|x|/dx = sign(x)}, so 0 at 0; relu passes no gradient at 0), including
 * which saved tensor (input or output) they are written in, so rounding matches too.
 */
public final class Pointwise {
    private Pointwise() {
    }

    /** A 0-dim zero of {@code t}'s dtype and device, for {@code where}. */
    static Tensor zero(Tensor t) {
        return Tensor.zeros(t.dtype(), t.device());
    }

    /** |a|. Saves: a. */
    public static Variable abs(Variable a) {
        Tensor x = a.data();
        return Tape.record("abs", x.abs(), (g, needs) -> new Tensor[] {g.mul(x.sign())}, a);
    }

    /** e^a. Saves: the output. */
    public static Variable exp(Variable a) {
        Tensor out = a.data().exp();
        return Tape.record("exp", out, (g, needs) -> new Tensor[] {g.mul(out)}, a);
    }

    /** Natural log (NaN for negative inputs, -inf at 0, like PyTorch). Saves: a. */
    public static Variable log(Variable a) {
        Tensor x = a.data();
        return Tape.record("log", x.log(), (g, needs) -> new Tensor[] {g.div(x)}, a);
    }

    /** log(1 + a). Saves: a. */
    public static Variable log1p(Variable a) {
        Tensor x = a.data();
        return Tape.record("log1p", x.log1p(), (g, needs) -> new Tensor[] {g.div(x.add(1))}, a);
    }

    /** Square root (NaN for negative inputs). Saves: the output. */
    public static Variable sqrt(Variable a) {
        Tensor out = a.data().sqrt();
        return Tape.record("sqrt", out, (g, needs) -> new Tensor[] {g.div(out.mul(2))}, a);
    }

    /** 1 / sqrt(a). Saves: the output. */
    public static Variable rsqrt(Variable a) {
        Tensor out = a.data().rsqrt();
        return Tape.record("rsqrt", out, (g, needs) -> new Tensor[] {g.mul(out.pow(3)).mul(-0.5)}, a);
    }

    /** Logistic sigmoid. Saves: the output. */
    public static Variable sigmoid(Variable a) {
        Tensor y = a.data().sigmoid();
        return Tape.record("sigmoid", y, (g, needs) -> new Tensor[] {g.mul(y.rsub(1)).mul(y)}, a);
    }

    /** tanh. Saves: the output. */
    public static Variable tanh(Variable a) {
        Tensor y = a.data().tanh();
        return Tape.record("tanh", y, (g, needs) -> new Tensor[] {g.mul(y.mul(y).rsub(1))}, a);
    }

    /** max(a, 0); the gradient is 0 where the output is not positive. Saves: the output. */
    public static Variable relu(Variable a) {
        Tensor y = a.data().relu();
        return Tape.record("relu", y, (g, needs) -> new Tensor[] {NnOps.reluBackward(y, g)}, a);
    }

    /**
     * Clamps to {@code [min, max]} (NaN for a missing bound). The gradient passes where
     * {@code min <= a <= max}, boundaries included, and is 0 elsewhere (PyTorch's convention).
     * Saves: a and the bounds.
     */
    public static Variable clamp(Variable a, double min, double max) {
        Tensor x = a.data();
        return Tape.record("clamp", x.clamp(min, max), (g, needs) -> {
            Tensor pass = null;
            if (!Double.isNaN(min)) {
                pass = x.ge(min);
            }
            if (!Double.isNaN(max)) {
                pass = pass == null ? x.le(max) : pass.logicalAnd(x.le(max));
            }
            return new Tensor[] {pass == null ? g : Tensor.where(pass, g, zero(g))};
        }, a);
    }

    /** a^p for a scalar exponent; the gradient is 0 everywhere for p = 0 (PyTorch). Saves: a and p. */
    public static Variable pow(Variable a, double p) {
        Tensor x = a.data();
        return Tape.record("pow_scalar", x.pow(p), (g, needs) -> new Tensor[] {
            p == 0 ? g.zerosLike() : g.mul(x.pow(p - 1).mul(p))}, a);
    }

    /** a^2. Saves: a. */
    public static Variable square(Variable a) {
        Tensor x = a.data();
        return Tape.record("square", x.square(), (g, needs) -> new Tensor[] {g.mul(x.mul(2))}, a);
    }

    /** 1 / a. Saves: the output. */
    public static Variable reciprocal(Variable a) {
        Tensor y = a.data().reciprocal();
        return Tape.record("reciprocal", y, (g, needs) -> new Tensor[] {g.neg().mul(y.mul(y))}, a);
    }

    /** sin(a). Saves: a. */
    public static Variable sin(Variable a) {
        Tensor x = a.data();
        return Tape.record("sin", x.sin(), (g, needs) -> new Tensor[] {g.mul(x.cos())}, a);
    }

    /** cos(a). Saves: a. */
    public static Variable cos(Variable a) {
        Tensor x = a.data();
        return Tape.record("cos", x.cos(), (g, needs) -> new Tensor[] {g.mul(x.sin().neg())}, a);
    }
}
