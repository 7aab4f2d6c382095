package org.cassl.nn.layers;

import java.util.ArrayList;
import java.util.List;
import org.cassl.nn.Module;

/**
 * {@code torch.nn.ModuleList}: an indexed container of modules named {@code "0"}, {@code "1"},
 * ...; it has no forward of its own.
 *
 * @param <M> the element type
 */
public class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public ModuleList() {
    }

    public ModuleList(List<? extends M> modules) {
        for (M m : modules) {
            add(m);
        }
    }

    /** Appends a module under the next index; returns this. */
    public final ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    public M get(int index) {
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return List.copyOf(items);
    }
}
