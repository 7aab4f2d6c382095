package org.cassl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.detection.Target;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.optim.AdamW;
import org.cassl.nn.optim.Optimizer;
import org.cassl.nn.optim.ParamGroups;
import org.cassl.nn.optim.Sgd;
import org.cassl.tensor.Device;
import org.cassl.tensor.Generator;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;

/**
 * One FCOS training step of {@link FcosStepBench}, ready to repeat: a fresh model of the setup
 * (weights seed 0), the setup's optimizer, random images (seed 1) and the setup's targets; each run is timed per
 * phase (forward with the losses, backward, optimizer) into {@link #phases()}.
 */
final class StepRunner implements Runnable {
    private final Fcos model;
    private final Optimizer opt;
    private final List<Tensor> images = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final StepProfile phases = new StepProfile();

    StepRunner(FcosStepBench.Setup setup) {
        model = new Fcos(setup.config(), new Generator(0));
        model.train(true);
        opt = setup.optimizer().equals("adamw")
                ? new AdamW(ParamGroups.single(model, 0.001, 0.05), 0.9, 0.999, 1e-8, false)
                : new Sgd(ParamGroups.single(model, 0.001, 1e-4), 0.9, 0, false);
        Generator g = new Generator(1);
        for (int i = 0; i < setup.batch(); i++) {
            images.add(Tensor.rand(g, 3, setup.size(), setup.maxSize()));
            targets.add(setup.target(i));
        }
    }

    StepProfile phases() {
        return phases;
    }

    @Override
    public void run() {
        // one recycling scope per step, keeping what the trainer keeps: the next step reuses
        // this step's activation arrays instead of allocating (and garbage-collecting) them
        try (MemoryScope scope = MemoryScope.openRecycling(Device.CPU)) {
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Map<String, Variable> losses = model.losses(images, targets, null);
            Variable total = null;
            for (Variable v : losses.values()) {
                total = total == null ? v : total.add(v);
            }
            long t1 = System.nanoTime();
            total.backward();
            long t2 = System.nanoTime();
            opt.step();
            long t3 = System.nanoTime();
            scope.keepAll(model.stateDict().values());
            scope.keepAll(opt.persistentTensors());
            phases.add("forward", t1 - t0);
            phases.add("backward", t2 - t1);
            phases.add("optimizer", t3 - t2);
            phases.endStep();
        }
    }
}
