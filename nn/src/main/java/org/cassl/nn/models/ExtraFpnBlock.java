package org.cassl.nn.models;

import java.util.List;
import org.cassl.autograd.Variable;
import org.cassl.nn.Module;

/** torchvision's {@code ExtraFPNBlock}: extra pyramid levels computed after the top-down pass. */
public abstract class ExtraFpnBlock extends Module {
    /**
     * The extra levels.
     *
     * @param results the FPN outputs so far, highest resolution first
     * @param inputs  the backbone features the FPN received, in the same order
     * @return the new levels to append
     */
    public abstract List<Variable> apply(List<Variable> results, List<Variable> inputs);

    /** torchvision's names of the appended levels ({@code p6, p7} or {@code pool}). */
    public abstract List<String> names();
}
