package org.cassl.nn.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.nn.Module;
import org.cassl.nn.Parameter;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.GroupNorm;

/** Builders of parameter groups. */
public final class ParamGroups {
    private ParamGroups() {
    }

    /**
     * Two groups over the trainable parameters of {@code model}, in state-dict order: the first
     * with {@code weightDecay}, the second with {@code noDecay} for the weights of normalisation
     * layers (BatchNorm2d, GroupNorm) and every bias (the torchvision reference recipe with
     * {@code norm_weight_decay} and no decay on biases). Empty groups are omitted.
     */
    public static List<ParamGroup> splitDecay(Module model, double lr, double weightDecay, double noDecay) {
        List<Parameter> decay = new ArrayList<>();
        List<Parameter> other = new ArrayList<>();
        for (Map.Entry<String, Module> m : model.namedModules().entrySet()) {
            boolean norm = m.getValue() instanceof BatchNorm2d || m.getValue() instanceof GroupNorm;
            for (Map.Entry<String, Parameter> e : m.getValue().ownParameters().entrySet()) {
                Parameter p = e.getValue();
                if (!p.requiresGrad()) {
                    continue;
                }
                if (norm || e.getKey().equals("bias")) {
                    other.add(p);
                } else {
                    decay.add(p);
                }
            }
        }
        List<ParamGroup> out = new ArrayList<>();
        if (!decay.isEmpty()) {
            out.add(new ParamGroup(decay, lr, weightDecay));
        }
        if (!other.isEmpty()) {
            out.add(new ParamGroup(other, lr, noDecay));
        }
        return out;
    }

    /** One group over the trainable parameters of {@code model}. */
    public static List<ParamGroup> single(Module model, double lr, double weightDecay) {
        return List.of(new ParamGroup(model.trainableParameters(), lr, weightDecay));
    }
}
