package org.cassl.spark;

import java.util.List;
import org.cassl.nn.Parameter;
import org.cassl.tensor.Tensor;
import org.cassl.training.trainer.GradientSync;

/** {@link GradientSync} over a {@link RingAllReduce}: gradients flattened, summed, divided by the number of replicas. */
public final class RingGradientSync implements GradientSync {
    private final RingAllReduce ring;

    public RingGradientSync(RingAllReduce ring) {
        this.ring = ring;
    }

    @Override
    public void allReduce(List<Parameter> params) {
        int total = 0;
        for (Parameter p : params) {
            total += p.numel();
        }
        float[] flat = new float[total];
        int at = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                float[] a = g.toFloatArray();
                System.arraycopy(a, 0, flat, at, a.length);
            }
            at += p.numel();
        }
        ring.sum(flat);
        float inv = 1f / ring.world();
        at = 0;
        for (Parameter p : params) {
            float[] a = new float[p.numel()];
            for (int i = 0; i < a.length; i++) {
                a[i] = flat[at + i] * inv;
            }
            at += a.length;
            p.setGrad(Tensor.of(a, p.shape()).to(p.data().device()));
        }
    }

    @Override
    public boolean writesCheckpoints() {
        return ring.rank() == 0;
    }
}
