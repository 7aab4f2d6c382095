package org.cassl.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;

/**
 * Checks analytical gradients against central finite differences in float64, like
 * {@code torch.autograd.gradcheck} (defaults eps 1e-6, atol 1e-5, rtol 1e-3; an element passes
 * when {@code |analytical - numerical| <= atol + rtol * |numerical|}).
 *
 * <p>For outputs of at most {@link Options#fullJacobianMax()} elements the full Jacobian is
 * compared (one backward per output element); for larger outputs the gradient of a random
 * projection {@code <u, f(x)>} with a seeded normal {@code u}. Every input that requires a
 * gradient is perturbed element by element in place (and restored exactly), so an input that
 * is a non-contiguous float64 view is differentiated through that very view.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * Tolerances and strategy.
     *
     * @param eps             finite-difference step
     * @param atol            absolute tolerance
     * @param rtol            relative tolerance (relative to the numerical value)
     * @param fullJacobianMax largest output for which the full Jacobian is compared
     * @param seed            seed of the random projection
     */
    public record Options(double eps, double atol, double rtol, int fullJacobianMax, long seed) {
        /** PyTorch's defaults. */
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3, 8, 0x5eed);
        }

        public Options withTolerances(double atol, double rtol) {
            return new Options(eps, atol, rtol, fullJacobianMax, seed);
        }

        public Options withEps(double e) {
            return new Options(e, atol, rtol, fullJacobianMax, seed);
        }

        public Options withFullJacobianMax(int n) {
            return new Options(eps, atol, rtol, n, seed);
        }
    }

    /**
     * One element whose gradients disagree.
     *
     * @param input       position of the input in the argument list
     * @param inputShape  its shape
     * @param index       the element of that input
     * @param output      the output element (full Jacobian) or null (random projection)
     * @param analytical  the gradient from backward
     * @param numerical   the finite-difference estimate
     */
    public record Mismatch(int input, int[] inputShape, int[] index, int[] output, double analytical, double numerical) {
        @Override
        public String toString() {
            return "input " + input + " (shape " + Arrays.toString(inputShape) + ") element " + Arrays.toString(index)
                    + (output == null ? " (random projection of the output)" : ", output element " + Arrays.toString(output))
                    + ": analytical " + analytical + " vs numerical " + numerical;
        }
    }

    /**
     * Outcome of a check.
     *
     * @param mismatches every disagreeing element (empty when passed)
     * @param checked    number of (input element, projection) pairs compared
     * @param options    the tolerances used
     */
    public record Result(List<Mismatch> mismatches, int checked, Options options) {
        public boolean passed() {
            return mismatches.isEmpty();
        }

        /** A readable summary naming the first mismatches. */
        public String message() {
            if (passed()) {
                return "gradcheck passed (" + checked + " gradient elements)";
            }
            StringBuilder sb = new StringBuilder("gradcheck failed: ").append(mismatches.size()).append(" of ")
                    .append(checked).append(" gradient elements differ beyond atol ").append(options.atol())
                    .append(" + rtol ").append(options.rtol()).append(" * |numerical|");
            for (int i = 0; i < Math.min(5, mismatches.size()); i++) {
                sb.append("\n  ").append(mismatches.get(i));
            }
            if (mismatches.size() > 5) {
                sb.append("\n  ... and ").append(mismatches.size() - 5).append(" more");
            }
            return sb.toString();
        }

        /** Throws an {@link AssertionError} with {@link #message()} unless passed. */
        public void assertPassed() {
            if (!passed()) {
                throw new AssertionError(message());
            }
        }
    }

    /** Checks every floating point input (converted to float64); other inputs are constants. */
    public static Result check(Function<Variable[], Variable> f, Tensor... inputs) {
        return check(f, Options.defaults(), inputs);
    }

    public static Result check(Function<Variable[], Variable> f, Options options, Tensor... inputs) {
        Variable[] vars = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            vars[i] = t.dtype().isFloatingPoint() ? Variable.parameter(t.to(DType.F64)) : Variable.of(t);
        }
        return check(f, options, vars);
    }

    /** Checks the inputs that require a gradient; they must be float64 leaves. */
    public static Result check(Function<Variable[], Variable> f, Options options, Variable... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Variable v = inputs[i];
            if (v.requiresGrad()) {
                if (!v.isLeaf() || v.dtype() != DType.F64) {
                    throw new IllegalArgumentException("gradcheck: input " + i + " must be a float64 leaf, got " + v);
                }
                checkNoOverlap(i, v.data());
            }
        }
        Tensor[] saved = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            saved[i] = inputs[i].grad();
        }
        try {
            return run(f, options, inputs);
        } finally {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].setGrad(saved[i]);
            }
        }
    }

    /** Like {@link #check(Function, Tensor...)} but throws an {@link AssertionError} on failure. */
    public static void assertGradients(Function<Variable[], Variable> f, Tensor... inputs) {
        check(f, inputs).assertPassed();
    }

    public static void assertGradients(Function<Variable[], Variable> f, Options options, Tensor... inputs) {
        check(f, options, inputs).assertPassed();
    }

    @SuppressWarnings("try") // the grad-mode scope is used only for its side effect
    private static Result run(Function<Variable[], Variable> f, Options o, Variable[] inputs) {
        Variable out = f.apply(inputs);
        if (!out.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("gradcheck: the function returned a non-floating tensor " + out);
        }
        int[] outShape = out.shape();
        int m = out.numel();
        // the projections: one-hot rows of the Jacobian for small outputs, else one random direction
        List<Tensor> projections = new ArrayList<>();
        boolean full = m <= o.fullJacobianMax();
        if (full) {
            for (int j = 0; j < m; j++) {
                double[] e = new double[m];
                e[j] = 1;
                projections.add(Tensor.of(e, outShape).to(out.dtype()));
            }
        } else {
            projections.add(Tensor.normal(new Generator(o.seed()), 0, 1, out.dtype(), outShape));
        }
        int p = projections.size();
        // analytical: one backward per projection
        double[][][] analytical = new double[inputs.length][][];
        for (int k = 0; k < p; k++) {
            for (Variable v : inputs) {
                v.setGrad(null);
            }
            if (out.requiresGrad()) {
                out.backward(projections.get(k), k < p - 1);
            }
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].requiresGrad()) {
                    continue;
                }
                if (analytical[i] == null) {
                    analytical[i] = new double[p][];
                }
                Tensor g = inputs[i].grad();
                analytical[i][k] = g == null ? new double[inputs[i].numel()] : g.toDoubleArray();
            }
        }
        // numerical: central differences of every projection, element by element
        List<Mismatch> bad = new ArrayList<>();
        int checked = 0;
        double[][] proj = new double[p][];
        for (int k = 0; k < p; k++) {
            proj[k] = projections.get(k).toDoubleArray();
        }
        try (GradMode.Scope off = GradMode.off()) {
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].requiresGrad()) {
                    continue;
                }
                Tensor x = inputs[i].data();
                int[] shape = x.shape();
                int n = x.numel();
                for (int e = 0; e < n; e++) {
                    int[] idx = unravel(e, shape);
                    Tensor cell = element(x, idx);
                    double orig = cell.item();
                    cell.fill(orig + o.eps());
                    double[] plus = f.apply(inputs).data().toDoubleArray();
                    cell.fill(orig - o.eps());
                    double[] minus = f.apply(inputs).data().toDoubleArray();
                    cell.fill(orig);
                    for (int k = 0; k < p; k++) {
                        double num = (dot(proj[k], plus) - dot(proj[k], minus)) / (2 * o.eps());
                        double ana = analytical[i][k][e];
                        checked++;
                        if (!close(ana, num, o)) {
                            bad.add(new Mismatch(i, shape, idx, full ? unravel(k, outShape) : null, ana, num));
                        }
                    }
                }
            }
        }
        return new Result(bad, checked, o);
    }

    private static boolean close(double a, double n, Options o) {
        if (Double.isNaN(a) || Double.isNaN(n)) {
            return Double.isNaN(a) && Double.isNaN(n);
        }
        return a == n || Math.abs(a - n) <= o.atol() + o.rtol() * Math.abs(n);
    }

    private static double dot(double[] u, double[] y) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * y[i];
        }
        return s;
    }

    /** A 0-dim view of one element, for in-place perturbation. */
    private static Tensor element(Tensor x, int[] idx) {
        int[] st = x.strides();
        int off = x.offset();
        for (int d = 0; d < idx.length; d++) {
            off += idx[d] * st[d];
        }
        return new Tensor(x.storage(), new int[0], new int[0], off);
    }

    private static void checkNoOverlap(int i, Tensor x) {
        int[] shape = x.shape();
        int[] st = x.strides();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > 1 && st[d] == 0) {
                throw new IllegalArgumentException("gradcheck: input " + i + " of shape " + Arrays.toString(shape)
                        + " has overlapping elements (stride 0 in dimension " + d + "); pass a contiguous copy");
            }
        }
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
