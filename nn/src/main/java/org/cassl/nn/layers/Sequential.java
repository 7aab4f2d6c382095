package org.cassl.nn.layers;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.GradMode;
import org.cassl.autograd.Variable;
import org.cassl.nn.Layer;

/**
 * {@code torch.nn.Sequential}: layers applied in order, registered as children {@code "0"},
 * {@code "1"}, ... (so their keys read {@code downsample.0.weight}).
 */
public class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    public Sequential(List<? extends Layer> layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    /** Appends a layer under the next index; returns this. */
    public final Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    public Layer get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    /**
     * This sequence on several inputs, equal to {@link #forward} on each. Where nothing is recorded
     * it runs layer by layer over all inputs, so that each {@link Conv2d} convolves them together
     * ({@link Conv2d#forwardAll}); with a tape, input by input as {@code forward} would.
     */
    @Override
    public List<Variable> forwardAll(List<Variable> xs) {
        if (GradMode.isEnabled()) {
            return super.forwardAll(xs);
        }
        List<Variable> hs = xs;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (normThenRelu(i)) {
                List<Variable> next = new ArrayList<>(hs.size());
                for (Variable h : hs) {
                    next.add(NormAct.forward(l, h, null, true));
                }
                hs = next;
                i++;
            } else {
                hs = l.forwardAll(hs);
            }
        }
        return hs;
    }

    /**
     * The layers in order; a norm with a fused form followed by a {@link ReLU} runs as one op
     * ({@link NormAct}): same values and gradients, one stored tensor instead of two.
     */
    @Override
    public Variable forward(Variable x) {
        Variable y = x;
        for (int i = 0; i < layers.size(); i++) {
            if (normThenRelu(i)) {
                y = NormAct.forward(layers.get(i), y, null, true);
                i++;
            } else {
                y = layers.get(i).forward(y);
            }
        }
        return y;
    }

    private boolean normThenRelu(int i) {
        return i + 1 < layers.size() && layers.get(i + 1).getClass() == ReLU.class && NormAct.fuses(layers.get(i))
                && NormAct.enabled();
    }
}
