package org.cassl.autograd;

import java.util.ArrayList;
import java.util.List;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/** Differentiable cat, stack, split and chunk on variables: forward and backward side by side. */
public final class JoiningOps {
    private JoiningOps() {
    }

    /**
     * Concatenation along dim; each input gets the matching narrow of the gradient (legacy empty
     * {@code [0]} inputs, which cat skips, get an empty gradient). Saves: the input sizes along dim.
     */
    public static Variable cat(List<Variable> inputs, int dim) {
        Tensor out = Tensor.cat(Variable.data(inputs), dim);
        int n = inputs.size();
        int[] sizes = new int[n];
        boolean[] skipped = new boolean[n];
        for (int i = 0; i < n; i++) {
            int[] s = inputs.get(i).shape();
            skipped[i] = s.length == 1 && s[0] == 0;
            sizes[i] = skipped[i] ? 0 : s[Shapes.normalizeDim("cat", dim, s.length)];
        }
        int d = out.dim() == 0 ? 0 : Shapes.normalizeDim("cat", dim, out.dim());
        return Tape.record("cat", out, (g, needs) -> {
            Tensor[] r = new Tensor[n];
            int pos = 0;
            for (int i = 0; i < n; i++) {
                if (skipped[i]) {
                    r[i] = needs[i] ? Tensor.zeros(g.dtype(), g.device(), 0) : null;
                    continue;
                }
                r[i] = needs[i] ? g.narrow(d, pos, sizes[i]) : null;
                pos += sizes[i];
            }
            return r;
        }, inputs.toArray(new Variable[0]));
    }

    /** Stacks along a new dim; input i gets the gradient's slice i. Saves: the dim. */
    public static Variable stack(List<Variable> inputs, int dim) {
        Tensor out = Tensor.stack(Variable.data(inputs), dim);
        int n = inputs.size();
        int d = Shapes.normalizeDim("stack", dim, out.dim());
        return Tape.record("stack", out, (g, needs) -> {
            Tensor[] r = new Tensor[n];
            for (int i = 0; i < n; i++) {
                r[i] = needs[i] ? g.select(d, i) : null;
            }
            return r;
        }, inputs.toArray(new Variable[0]));
    }

    /** Pieces of {@code size} along dim (the last may be smaller), each a differentiable narrow. */
    public static List<Variable> split(Variable a, int size, int dim) {
        return narrows(a, a.data().split(size, dim), dim);
    }

    /** Pieces of the given sizes along dim. */
    public static List<Variable> split(Variable a, int[] sizes, int dim) {
        return narrows(a, a.data().split(sizes, dim), dim);
    }

    /** {@code chunks} pieces along dim with PyTorch's sizing. */
    public static List<Variable> chunk(Variable a, int chunks, int dim) {
        return narrows(a, a.data().chunk(chunks, dim), dim);
    }

    /** Re-creates the tensor layer's pieces as narrows so each piece has its own rule. */
    private static List<Variable> narrows(Variable a, List<Tensor> pieces, int dim) {
        int d = Shapes.normalizeDim("split", dim, a.dim());
        List<Variable> out = new ArrayList<>();
        int pos = 0;
        for (Tensor p : pieces) {
            int len = p.size(d);
            out.add(Shaping.narrow(a, d, pos, len));
            pos += len;
        }
        return out;
    }
}
