package org.cassl.autograd;

import org.cassl.tensor.Tensor;

/** Elementwise arithmetic with broadcasting: forward and backward side by side. */
public final class Arithmetic {
    private Arithmetic() {
    }

    /** a + b. Saves: the input shapes. */
    public static Variable add(Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        return Tape.record("add", a.data().add(b.data()),
                (g, needs) -> new Tensor[] {needs[0] ? Broadcast.sumTo(g, sa) : null, needs[1] ? Broadcast.sumTo(g, sb) : null},
                a, b);
    }

    /** a - b. Saves: the input shapes. */
    public static Variable sub(Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        return Tape.record("sub", a.data().sub(b.data()),
                (g, needs) -> new Tensor[] {needs[0] ? Broadcast.sumTo(g, sa) : null,
                    needs[1] ? Broadcast.sumTo(g.neg(), sb) : null},
                a, b);
    }

    /** a * b. Saves: a and b. */
    public static Variable mul(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        return Tape.record("mul", x.mul(y),
                (g, needs) -> new Tensor[] {needs[0] ? Broadcast.sumTo(g.mul(y), x.shape()) : null,
                    needs[1] ? Broadcast.sumTo(g.mul(x), y.shape()) : null},
                a, b);
    }

    /** a / b. Saves: a and b. */
    public static Variable div(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        return Tape.record("div", x.div(y),
                (g, needs) -> new Tensor[] {needs[0] ? Broadcast.sumTo(g.div(y), x.shape()) : null,
                    needs[1] ? Broadcast.sumTo(g.neg().mul(x.div(y).div(y)), y.shape()) : null},
                a, b);
    }

    /**
     * a^b elementwise with broadcasting. The base gradient is 0 where b = 0; the exponent gradient
     * is {@code out * log(a)}, 0 where a = 0 and b >= 0 (PyTorch). Saves: a, b and the output.
     */
    public static Variable pow(Variable a, Variable b) {
        Tensor x = a.data();
        Tensor y = b.data();
        Tensor out = x.pow(y);
        return Tape.record("pow", out, (g, needs) -> {
            Tensor ga = null;
            Tensor gb = null;
            if (needs[0]) {
                Tensor d = g.mul(y.mul(x.pow(y.sub(1))));
                ga = Broadcast.sumTo(Tensor.where(y.eq(0), Pointwise.zero(d), d), x.shape());
            }
            if (needs[1]) {
                Tensor d = out.mul(x.log());
                Tensor skip = x.eq(0).logicalAnd(y.ge(0));
                gb = Broadcast.sumTo(g.mul(Tensor.where(skip, Pointwise.zero(d), d)), y.shape());
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /**
     * Elementwise maximum; where a = b each side receives half the gradient (PyTorch).
     * Saves: a and b.
     */
    public static Variable maximum(Variable a, Variable b) {
        return extremum("maximum", a, b, true);
    }

    /** Elementwise minimum; ties split the gradient equally. Saves: a and b. */
    public static Variable minimum(Variable a, Variable b) {
        return extremum("minimum", a, b, false);
    }

    private static Variable extremum(String op, Variable a, Variable b, boolean max) {
        Tensor x = a.data();
        Tensor y = b.data();
        Tensor out = max ? x.maximum(y) : x.minimum(y);
        return Tape.record(op, out, (g, needs) -> {
            Tensor shared = Tensor.where(x.eq(y), g.div(2), g);
            // the side that lost gets nothing; NaN compares false both ways, so both sides get it all
            Tensor aLoses = max ? x.lt(y) : x.gt(y);
            Tensor bLoses = max ? x.gt(y) : x.lt(y);
            Tensor z = Pointwise.zero(shared);
            return new Tensor[] {
                needs[0] ? Broadcast.sumTo(Tensor.where(aLoses, z, shared), x.shape()) : null,
                needs[1] ? Broadcast.sumTo(Tensor.where(bLoses, z, shared), y.shape()) : null};
        }, a, b);
    }

    /**
     * {@code cond ? a : b} with broadcasting of all three; {@code cond} is a bool tensor.
     * Saves: cond and the input shapes.
     */
    public static Variable where(Tensor cond, Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        return Tape.record("where", Tensor.where(cond, a.data(), b.data()), (g, needs) -> {
            Tensor z = Pointwise.zero(g);
            return new Tensor[] {needs[0] ? Broadcast.sumTo(Tensor.where(cond, g, z), sa) : null,
                needs[1] ? Broadcast.sumTo(Tensor.where(cond, z, g), sb) : null};
        }, a, b);
    }

    /** a with the elements where {@code mask} (broadcast to a's shape) is true set to {@code value}. Saves: mask. */
    public static Variable maskedFill(Variable a, Tensor mask, double value) {
        return Tape.record("masked_fill", a.data().maskedFill(mask, value),
                (g, needs) -> new Tensor[] {Tensor.where(mask, Pointwise.zero(g), g)}, a);
    }

    /** a + v. Saves: nothing. */
    public static Variable addScalar(Variable a, double v) {
        return Tape.record("add_scalar", a.data().add(v), (g, needs) -> new Tensor[] {g}, a);
    }

    /** a * v. Saves: v. */
    public static Variable mulScalar(Variable a, double v) {
        return Tape.record("mul_scalar", a.data().mul(v), (g, needs) -> new Tensor[] {g.mul(v)}, a);
    }

    /** a / v. Saves: v. */
    public static Variable divScalar(Variable a, double v) {
        return Tape.record("div_scalar", a.data().div(v), (g, needs) -> new Tensor[] {g.div(v)}, a);
    }

    /** v / a. Saves: a and the output. */
    public static Variable rdiv(Variable a, double v) {
        Tensor x = a.data();
        Tensor out = x.rdiv(v);
        return Tape.record("rdiv_scalar", out, (g, needs) -> new Tensor[] {g.neg().mul(out.div(x))}, a);
    }

    /** -a. Saves: nothing. */
    public static Variable neg(Variable a) {
        return Tape.record("neg", a.data().neg(), (g, needs) -> new Tensor[] {g.neg()}, a);
    }
}
