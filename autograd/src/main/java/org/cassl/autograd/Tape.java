package org.cassl.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.ShapeMismatchException;
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
        Map<Variable, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradient.to(root.dtype()));
        try (GradMode.Scope g = GradMode.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Variable v = order.get(i);
                Tensor gOut = grads.remove(v);
                if (gOut == null) {
                    continue;
                }
                Node node = v.gradFn();
                if (node == null) {
                    accumulateLeaf(v, gOut);
                    continue;
                }
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
                        gk = gk.to(ins[k].dtype());
                    }
                    if (!Arrays.equals(gk.shape(), ins[k].shape())) {
                        throw new IllegalStateException("backward of '" + node.op() + "' produced a gradient of shape "
                                + Arrays.toString(gk.shape()) + " for input " + k + " of shape "
                                + Arrays.toString(ins[k].shape()));
                    }
                    Tensor prev = grads.get(ins[k]);
                    grads.put(ins[k], prev == null ? gk : prev.add(gk));
                }
            }
        }
    }

    private static void accumulateLeaf(Variable leaf, Tensor g) {
        Tensor cur = leaf.grad();
        if (cur == null) {
            leaf.setGrad(g.to(leaf.dtype()).copy());
        } else {
            cur.addInPlace(g);
        }
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
