package org.cassl.nn.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.GradMode;
import org.cassl.nn.Parameter;
import org.cassl.nn.StateDictException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * Base of the optimisers: parameter groups and per-parameter state (named tensors and a step
 * count). {@link #step()} updates parameter data in place under {@link GradMode#off()} and skips
 * parameters without a gradient, as PyTorch does.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final Map<Parameter, Map<String, Tensor>> state = new IdentityHashMap<>();
    private final Map<Parameter, Long> steps = new IdentityHashMap<>();

    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new TensorException(getClass().getSimpleName() + " got an empty parameter list");
        }
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                if (seen.put(p, Boolean.TRUE) != null) {
                    throw new TensorException("some parameters appear in more than one parameter group");
                }
            }
        }
        this.groups = List.copyOf(groups);
    }

    /** A name for checkpoints ({@code sgd}, {@code adamw}). */
    public abstract String type();

    /** Updates one parameter with its (non-null) gradient; runs with grad mode off. */
    protected abstract void update(ParamGroup group, Parameter p, Tensor grad, long step);

    /** One optimisation step over every parameter that has a gradient. */
    public final void step() {
        try (GradMode.Scope off = GradMode.off()) {
            for (ParamGroup g : groups) {
                for (Parameter p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) {
                        continue;
                    }
                    long s = steps.merge(p, 1L, Long::sum);
                    update(g, p, grad, s);
                }
            }
        }
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                p.zeroGrad();
            }
        }
    }

    /**
     * Every tensor that must outlive a training step: the parameters' gradients and the optimizer's
     * state (momentum, moments). A per-step memory scope keeps these and frees the rest.
     */
    public final List<Tensor> persistentTensors() {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : allParams()) {
            if (p.grad() != null) {
                out.add(p.grad());
            }
        }
        state.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** The named state tensor of a parameter, created by {@code init} on first use. */
    protected final Tensor state(Parameter p, String name, java.util.function.Supplier<Tensor> init) {
        return state.computeIfAbsent(p, k -> new LinkedHashMap<>()).computeIfAbsent(name, k -> init.get());
    }

    /** The named state tensor of a parameter, or null. */
    protected final Tensor stateOrNull(Parameter p, String name) {
        Map<String, Tensor> m = state.get(p);
        return m == null ? null : m.get(name);
    }

    /** Steps taken for a parameter (0 before its first update). */
    public final long stepCount(Parameter p) {
        return steps.getOrDefault(p, 0L);
    }

    private List<Parameter> allParams() {
        List<Parameter> out = new ArrayList<>();
        groups.forEach(g -> out.addAll(g.params()));
        return out;
    }

    /** The state for a checkpoint (tensors are copies). */
    public OptimizerState stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> scalars = new LinkedHashMap<>();
        scalars.put("type", type());
        List<Map<String, Object>> gs = new ArrayList<>();
        for (ParamGroup g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", g.lr());
            m.put("initial_lr", g.initialLr());
            m.put("weight_decay", g.weightDecay());
            m.put("size", g.params().size());
            gs.add(m);
        }
        scalars.put("param_groups", gs);
        Map<String, Object> stepMap = new LinkedHashMap<>();
        List<Parameter> ps = allParams();
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            Long s = steps.get(p);
            if (s != null) {
                stepMap.put(Integer.toString(i), s);
            }
            Map<String, Tensor> st = state.get(p);
            if (st != null) {
                for (Map.Entry<String, Tensor> e : st.entrySet()) {
                    tensors.put("state." + i + "." + e.getKey(), e.getValue().copy());
                }
            }
        }
        scalars.put("step", stepMap);
        return new OptimizerState(tensors, scalars);
    }

    /**
     * Restores a state written by {@link #stateDict()} of an optimiser of the same type over
     * parameters of the same shapes; everything is checked before anything changes.
     */
    @SuppressWarnings("unchecked")
    public void loadStateDict(OptimizerState s) {
        Object type = s.scalars().get("type");
        if (!type().equals(type)) {
            throw new TensorException("optimizer state is for '" + type + "', this optimizer is '" + type() + "'");
        }
        List<Map<String, Object>> gs = (List<Map<String, Object>>) s.scalars().get("param_groups");
        if (gs == null || gs.size() != groups.size()) {
            throw new TensorException("optimizer state has " + (gs == null ? 0 : gs.size()) + " parameter groups, expected "
                    + groups.size());
        }
        for (int i = 0; i < gs.size(); i++) {
            int size = ((Number) gs.get(i).get("size")).intValue();
            if (size != groups.get(i).params().size()) {
                throw new TensorException("optimizer state group " + i + " has " + size + " parameters, expected "
                        + groups.get(i).params().size());
            }
        }
        List<Parameter> ps = allParams();
        List<String> unexpected = new ArrayList<>();
        List<StateDictException.ShapeMismatch> bad = new ArrayList<>();
        Map<Parameter, Map<String, Tensor>> newState = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : s.tensors().entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            int idx = parts.length == 3 && parts[0].equals("state") ? parseIndex(parts[1]) : -1;
            if (idx < 0 || idx >= ps.size()) {
                unexpected.add(e.getKey());
                continue;
            }
            Parameter p = ps.get(idx);
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                bad.add(new StateDictException.ShapeMismatch(e.getKey(), e.getValue().shape(), p.shape()));
                continue;
            }
            Tensor t = e.getValue().to(p.data().dtype()).to(p.data().device()).copy();
            newState.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(parts[2], t);
        }
        if (!unexpected.isEmpty() || !bad.isEmpty()) {
            throw new StateDictException(type(), List.of(), unexpected, bad);
        }
        Map<Parameter, Long> newSteps = new HashMap<>();
        Map<String, Object> stepMap = (Map<String, Object>) s.scalars().getOrDefault("step", Map.of());
        for (Map.Entry<String, Object> e : stepMap.entrySet()) {
            int idx = parseIndex(e.getKey());
            if (idx < 0 || idx >= ps.size()) {
                throw new TensorException("optimizer state has a step for parameter " + e.getKey() + " of " + ps.size());
            }
            newSteps.put(ps.get(idx), ((Number) e.getValue()).longValue());
        }
        state.clear();
        state.putAll(newState);
        steps.clear();
        for (Parameter p : ps) {
            Long v = newSteps.get(p);
            if (v != null) {
                steps.put(p, v);
            }
        }
        for (int i = 0; i < gs.size(); i++) {
            groups.get(i).setLr(((Number) gs.get(i).get("lr")).doubleValue());
            groups.get(i).setInitialLr(((Number) gs.get(i).get("initial_lr")).doubleValue());
        }
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
