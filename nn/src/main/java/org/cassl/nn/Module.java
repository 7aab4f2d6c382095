package org.cassl.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;

/**
 * Base of every layer and model: an ordered tree of named parameters, buffers and child modules,
 * with PyTorch's naming and ordering. A tensor's state-dict key is the path of child names from
 * this module joined with '.', then its own name ({@code layer1.0.bn1.running_mean}); within a
 * module, parameters come first, then buffers, then children, each in registration order.
 *
 * <p>Subclasses register everything in their constructor and add their own forward methods
 * ({@link Layer} for single-input modules).
 */
public abstract class Module {
    /** Key suffix of BatchNorm's counter, which loading never requires nor rejects. */
    public static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Buffer> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ---- registration ---------------------------------------------------------------------------

    /** Registers a new parameter over {@code data} that requires a gradient. */
    protected final Parameter registerParameter(String name, Tensor data) {
        return registerParameter(name, new Parameter(data));
    }

    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        parameters.put(name, p);
        return p;
    }

    /** Registers a persistent buffer (part of the state dict). */
    protected final Buffer registerBuffer(String name, Tensor data) {
        return registerBuffer(name, data, true);
    }

    protected final Buffer registerBuffer(String name, Tensor data, boolean persistent) {
        checkName(name);
        Buffer b = new Buffer(data, persistent);
        buffers.put(name, b);
        return b;
    }

    /** Registers a child module and returns it; the child takes this module's training mode. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        if (child == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": child module '" + name + "' is null");
        }
        children.put(name, child);
        child.train(training);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (must be non-empty and contain no '.')");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    // ---- traversal ------------------------------------------------------------------------------

    /** Direct children in registration order. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** This module's own parameters (not its children's). */
    public final Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** This module's own buffers. */
    public final Map<String, Buffer> ownBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** A direct child by name, or null. */
    public final Module child(String name) {
        return children.get(name);
    }

    /** This module and all descendants in pre-order, keyed by path ("" for this module). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(join(prefix, e.getKey()), out);
        }
    }

    /** All parameters with their full names, PyTorch's {@code named_parameters()} order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Parameter> p : m.getValue().parameters.entrySet()) {
                String name = join(m.getKey(), p.getKey());
                p.getValue().variable().named(name);
                out.putIfAbsent(name, p.getValue());
            }
        }
        return out;
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters that currently require a gradient. */
    public final List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : namedParameters().values()) {
            if (p.requiresGrad()) {
                out.add(p);
            }
        }
        return out;
    }

    /** All buffers (persistent or not) with their full names. */
    public final Map<String, Buffer> namedBuffers() {
        Map<String, Buffer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Buffer> b : m.getValue().buffers.entrySet()) {
                out.put(join(m.getKey(), b.getKey()), b.getValue());
            }
        }
        return out;
    }

    /** Total number of parameter elements. */
    public final long numParameters() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---- state dict -----------------------------------------------------------------------------

    /**
     * Parameters and persistent buffers by key, in PyTorch's {@code state_dict()} order, including
     * BatchNorm's {@code num_batches_tracked}. The tensors are the live ones (not copies).
     */
    public final Map<String, Tensor> stateDict() {
        return stateDict(true);
    }

    /** Like {@link #stateDict()}, optionally without {@code num_batches_tracked} entries. */
    public final Map<String, Tensor> stateDict(boolean includeNumBatchesTracked) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateSlots().forEach((k, slot) -> {
            if (includeNumBatchesTracked || !isNumBatchesTracked(k)) {
                out.put(k, slot.tensor());
            }
        });
        return out;
    }

    /** A key that loading neither requires nor rejects. */
    public static boolean isNumBatchesTracked(String key) {
        return key.equals(NUM_BATCHES_TRACKED) || key.endsWith("." + NUM_BATCHES_TRACKED);
    }

    private interface Slot {
        Tensor tensor();

        void load(Tensor t);
    }

    private Map<String, Slot> stateSlots() {
        Map<String, Slot> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            Module mod = m.getValue();
            for (Map.Entry<String, Parameter> p : mod.parameters.entrySet()) {
                Parameter param = p.getValue();
                out.putIfAbsent(join(m.getKey(), p.getKey()), new Slot() {
                    public Tensor tensor() {
                        return param.data();
                    }

                    public void load(Tensor t) {
                        param.load(t);
                    }
                });
            }
            for (Map.Entry<String, Buffer> b : mod.buffers.entrySet()) {
                Buffer buf = b.getValue();
                if (buf.persistent()) {
                    out.putIfAbsent(join(m.getKey(), b.getKey()), new Slot() {
                        public Tensor tensor() {
                            return buf.tensor();
                        }

                        public void load(Tensor t) {
                            buf.load(t);
                        }
                    });
                }
            }
        }
        return out;
    }

    /**
     * Copies a state dict into this module's parameters and buffers (in place, cast to their
     * dtype and moved to their device). All problems are collected first and reported together
     * in one {@link StateDictException}, and then nothing is changed: shape mismatches always,
     * and with {@code strict} also missing and unexpected keys. {@code num_batches_tracked}
     * entries are loaded when both sides have them and otherwise ignored, so checkpoints from
     * models with BatchNorm2d and FrozenBatchNorm2d load into each other.
     *
     * @return the keys left out (both lists empty after a successful strict load)
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Slot> slots = stateSlots();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<StateDictException.ShapeMismatch> mismatches = new ArrayList<>();
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                if (!isNumBatchesTracked(e.getKey())) {
                    missing.add(e.getKey());
                }
                continue;
            }
            int[] want = e.getValue().tensor().shape();
            if (!Arrays.equals(want, src.shape())) {
                mismatches.add(new StateDictException.ShapeMismatch(e.getKey(), src.shape(), want));
            }
        }
        Set<String> known = new HashSet<>(slots.keySet());
        for (String k : state.keySet()) {
            if (!known.contains(k) && !isNumBatchesTracked(k)) {
                unexpected.add(k);
            }
        }
        if (!mismatches.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictException(getClass().getSimpleName(), strict ? missing : List.of(),
                    strict ? unexpected : List.of(), mismatches);
        }
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                e.getValue().load(src);
            }
        }
        return new LoadResult(missing, unexpected);
    }

    // ---- modes and devices ----------------------------------------------------------------------

    /** Sets training mode on this module and all descendants; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /** {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** The device of the module's first parameter or buffer (the CPU for a module with neither). */
    public Device device() {
        for (Module m : namedModules().values()) {
            for (Parameter p : m.parameters.values()) {
                return p.data().device();
            }
            for (Buffer b : m.buffers.values()) {
                return b.tensor().device();
            }
        }
        return Device.CPU;
    }

    /** Moves every parameter and buffer to {@code device}; returns this. */
    public Module to(Device device) {
        for (Module m : namedModules().values()) {
            m.parameters.values().forEach(p -> p.to(device));
            m.buffers.values().forEach(b -> b.to(device));
        }
        return this;
    }

    /**
     * Converts every floating-point parameter and buffer to {@code dtype} (integer buffers such
     * as {@code num_batches_tracked} keep theirs); gradients are dropped. Returns this.
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".to: expected a floating point dtype, got "
                    + dtype);
        }
        for (Module m : namedModules().values()) {
            for (Parameter p : m.parameters.values()) {
                if (p.data().dtype() != dtype) {
                    p.replace(p.data().to(dtype));
                }
            }
            for (Buffer b : m.buffers.values()) {
                if (b.tensor().dtype().isFloatingPoint() && b.tensor().dtype() != dtype) {
                    b.set(b.tensor().to(dtype));
                }
            }
        }
        return this;
    }

    /** Clears the gradients of all parameters. */
    public final void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            p.zeroGrad();
        }
    }

    /** Freezes ({@code false}) or unfreezes every parameter of this module tree; returns this. */
    public Module requiresGrad(boolean on) {
        for (Parameter p : namedParameters().values()) {
            p.setRequiresGrad(on);
        }
        return this;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (children.isEmpty() ? "" : children.keySet().toString());
    }
}
