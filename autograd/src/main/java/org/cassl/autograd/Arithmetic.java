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
                    needs[1] ? Broadcast.sumTo(g.mul(x).div(y.mul(y)).neg(), y.shape()) : null},
                a, b);
    }

    /** a + v. Saves: nothing. */
    public static Variable addScalar(Variable a, double v) {
        return Tape.record("add_scalar", a.data().add(v), (g, needs) -> new Tensor[] {g}, a);
    }

    /** a * v. Saves: v. */
    public static Variable mulScalar(Variable a, double v) {
        return Tape.record("mul_scalar", a.data().mul(v), (g, needs) -> new Tensor[] {g.mul(v)}, a);
    }

    /** -a. Saves: nothing. */
    public static Variable neg(Variable a) {
        return Tape.record("neg", a.data().neg(), (g, needs) -> new Tensor[] {g.neg()}, a);
    }
}
