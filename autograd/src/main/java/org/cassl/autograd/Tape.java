package org.cassl.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Storage;
import org.cassl.tensor.Tensor;

/** Recording ops and running backward passes. */
public final class Tape {
    private Tape() {
    }

    /**
     * Wraps an op's output: records a node when grad mode is on and any input requires a
     * gradient, otherwise returns a constant.
     */
    public static Variable record(String op, Tensor out, Node.Backward backward, Variable... inputs) {
        if (!GradMode.isEnabled()) {
            return Variable.of(out);
        }
        boolean any = false;
        for (Variable v : inputs) {
            if (v != null && v.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (!any || !out.dtype().isFloatingPoint()) {
            return Variable.of(out);
        }
        return new Variable(out, true, new Node(op, inputs, backward));
    }

    /**
     * Runs the pass in reverse topological order, summing each variable's incoming gradients
     * before its node runs. Inside a recycling scope the pass runs in a nested phase scope
     * ({@link MemoryScope#openPhase}): a gradient that no pending gradient shares storage with
     * any more is handed back as soon as its node has run, so later gradients of its size reuse
     * it within the same pass, and a leaf's first gradient is adopted rather than copied when the
     * pass allocated it. Only storages this pass allocated are ever handed back or adopted.
     */
    @SuppressWarnings("try") // the grad-mode scope is used only for its side effect
    static void backward(Variable root, Tensor gradient, boolean retain) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the variable does not require grad and has no grad_fn");
        }
        if (!Arrays.equals(gradient.shape(), root.shape())) {
            throw new ShapeMismatchException("backward: gradient shape " + Arrays.toString(gradient.shape())
                    + " does not match output shape " + Arrays.toString(root.shape()));
        }
        List<Variable> order = topologicalOrder(root);
        PendingGrads grads = new PendingGrads();
        grads.put(root, gradient.to(root.dtype()));
        try (GradMode.Scope g = GradMode.off(); MemoryScope phase = MemoryScope.openPhase(root.device())) {
            List<Tensor> done = new ArrayList<>();
            for (int i = order.size() - 1; i >= 0; i--) {
                // without retain, the pass lets go of each variable as it passes it (see Node.release)
                Variable v = retain ? order.get(i) : order.set(i, null);
                Tensor gOut = grads.remove(v);
                if (gOut == null) {
                    continue;
                }
                Node node = v.gradFn();
                if (node == null) {
                    if (!accumulateLeaf(v, gOut, phase, grads)) {
                        done.add(gOut);
                    }
                    grads.releaseUnshared(done, phase);
                    continue;
                }
                done.add(gOut);
                Variable[] ins = node.inputs();
                boolean[] needs = new boolean[ins.length];
                for (int k = 0; k < ins.length; k++) {
                    needs[k] = ins[k] != null && ins[k].requiresGrad();
                }
                Tensor[] gIn = node.apply(gOut, needs);
                if (!retain) {
                    node.release();
                }
                for (int k = 0; k < ins.length; k++) {
                    if (!needs[k] || gIn[k] == null) {
                        continue;
                    }
                    Tensor gk = gIn[k];
                    if (gk.dtype() != ins[k].dtype()) {
                        // mixed-precision ops: the gradient has the dtype of the input it belongs to
                        done.add(gk);
                        gk = gk.to(ins[k].dtype());
                    }
                    if (!Arrays.equals(gk.shape(), ins[k].shape())) {
                        throw new IllegalStateException("backward of '" + node.op() + "' produced a gradient of shape "
                                + Arrays.toString(gk.shape()) + " for input " + k + " of shape "
                                + Arrays.toString(ins[k].shape()));
                    }
                    Tensor prev = grads.remove(ins[k]);
                    if (prev != null) {
                        done.add(prev);
                        done.add(gk);
                        gk = prev.add(gk);
                    }
                    grads.put(ins[k], gk);
                }
                grads.releaseUnshared(done, phase);
            }
        }
    }

    /**
     * The gradients waiting for their variable's node, with a count of the entries on each
     * storage: several entries can share one (an add passes its gradient to both inputs, a
     * reshape a view of it), and a storage is dead only when no entry is on it.
     */
    private static final class PendingGrads {
        private final Map<Variable, Tensor> byVariable = new IdentityHashMap<>();
        private final Map<Storage, Integer> entriesOn = new IdentityHashMap<>();

        void put(Variable v, Tensor t) {
            byVariable.put(v, t);
            entriesOn.merge(t.storage(), 1, Integer::sum);
        }

        Tensor remove(Variable v) {
            Tensor t = byVariable.remove(v);
            if (t != null) {
                entriesOn.computeIfPresent(t.storage(), (s, n) -> n == 1 ? null : n - 1);
            }
            return t;
        }

        boolean shares(Tensor t) {
            return entriesOn.containsKey(t.storage());
        }

        /**
         * Hands back each tensor no entry shares storage with ({@code phase} ignores what it does
         * not own); empties the list.
         */
        void releaseUnshared(List<Tensor> candidates, MemoryScope phase) {
            for (Tensor t : candidates) {
                if (!shares(t)) {
                    phase.release(t);
                }
            }
            candidates.clear();
        }
    }

    /**
     * Adds {@code g} to the leaf's gradient, or makes it the gradient: a copy, or {@code g} itself
     * when the pass allocated it, it spans its whole storage and nothing pending shares that
     * storage (returns true then: {@code g} must not be handed back).
     */
    private static boolean accumulateLeaf(Variable leaf, Tensor g, MemoryScope phase, PendingGrads pending) {
        Tensor cur = leaf.grad();
        if (cur != null) {
            cur.addInPlace(g);
            return false;
        }
        boolean whole = g.dtype() == leaf.dtype() && g.isContiguous() && g.offset() == 0
                && g.storage().length() == g.numel();
        if (whole && phase.owns(g) && !pending.shares(g)) {
            leaf.setGrad(phase.keep(g));
            return true;
        }
        leaf.setGrad(phase.keep(g.to(leaf.dtype()).copy()));
        return false;
    }

    /** Iterative DFS post-order over variables that require grad: deep chains do not recurse. */
    static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> visited = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Variable v = (Variable) top[0];
            int next = (Integer) top[1];
            Node n = v.gradFn();
            Variable[] ins = n == null ? new Variable[0] : n.inputs();
            if (n != null && n.released()) {
                throw new IllegalStateException("backward through '" + n.op() + "' a second time: the graph was freed; "
                        + "pass retainGraph=true to the first backward");
            }
            boolean pushed = false;
            while (next < ins.length) {
                Variable in = ins[next++];
                if (in != null && in.requiresGrad() && !visited.containsKey(in)) {
                    visited.put(in, Boolean.TRUE);
                    top[1] = next;
                    stack.push(new Object[] {in, 0});
                    pushed = true;
                    break;
                }
            }
            if (!pushed) {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }
}
