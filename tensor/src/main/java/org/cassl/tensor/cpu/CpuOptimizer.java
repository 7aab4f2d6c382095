package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.cassl.tensor.AdamWStep;
import org.cassl.tensor.DType;
import org.cassl.tensor.SgdStep;
import org.cassl.tensor.Tensor;

/**
 * Optimizer and weight-average updates fused into one pass over memory. The composed AdamW update reads and writes
 * the parameters and both moments in about ten passes and allocates four temporaries of the
 * parameter's size; for ResNet-18's 11 M weights that was about a sixth of the demo's training
 * step. Here each element is read and written once, with the same operations in the same order
 * as {@link org.cassl.tensor.Backend#adamwUpdate}'s default (no fused multiply-add), so the results
 * are the same to the bit.
 */
final class CpuOptimizer {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Elements per chunk handed to a thread (small tensors stay on the calling thread). */
    private static final int GRAIN = 1 << 15;

    private final Parallel par;
    private final boolean vectorized;

    CpuOptimizer(Parallel par, boolean vectorized) {
        this.par = par;
        this.vectorized = vectorized;
    }

    /** Whether {@link #adamw} handles these operands (dense F32 tensors of one size). */
    static boolean handles(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32 || !t.isContiguous() || t.numel() != ts[0].numel()) {
                return false;
            }
        }
        return true;
    }

    /** The AdamW update of {@link AdamWStep} in one pass, on all threads. */
    void adamw(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamWStep s) {
        float[] p = ((CpuStorage) param.storage()).f32();
        float[] g = ((CpuStorage) grad.storage()).f32();
        float[] m = ((CpuStorage) expAvg.storage()).f32();
        float[] v = ((CpuStorage) expAvgSq.storage()).f32();
        int po = param.offset();
        int go = grad.offset();
        int mo = expAvg.offset();
        int vo = expAvgSq.offset();
        // each scalar rounded to float as the composed ops round theirs
        float decay = (float) s.decayScale();
        float b1 = (float) s.beta1();
        float c1 = (float) (1 - s.beta1());
        float b2 = (float) s.beta2();
        float c2 = (float) (1 - s.beta2());
        float bc2 = (float) s.bc2Sqrt();
        float eps = (float) s.eps();
        float step = (float) s.stepScale();
        par.forRange((int) param.numel(), GRAIN, (st, en) -> {
            int i = st;
            if (vectorized) {
                for (int bound = st + F.loopBound(en - st); i < bound; i += F.length()) {
                    FloatVector gi = FloatVector.fromArray(F, g, go + i);
                    FloatVector mi = FloatVector.fromArray(F, m, mo + i).mul(b1).add(gi.mul(c1));
                    FloatVector vi = FloatVector.fromArray(F, v, vo + i).mul(b2).add(gi.mul(gi).mul(c2));
                    FloatVector denom = vi.sqrt().div(bc2).add(eps);
                    FloatVector pi = FloatVector.fromArray(F, p, po + i).mul(decay);
                    pi.add(mi.div(denom).mul(step)).intoArray(p, po + i);
                    mi.intoArray(m, mo + i);
                    vi.intoArray(v, vo + i);
                }
            }
            for (; i < en; i++) {
                float gi = g[go + i];
                float mi = m[mo + i] * b1 + gi * c1;
                float vi = v[vo + i] * b2 + gi * gi * c2;
                float denom = (float) Math.sqrt(vi) / bc2 + eps;
                p[po + i] = p[po + i] * decay + mi / denom * step;
                m[mo + i] = mi;
                v[vo + i] = vi;
            }
        });
    }

    /**
     * The SGD update of {@link SgdStep} in one pass, on all threads: the composed form allocates up
     * to three temporaries of the parameter's size and passes over memory five or six times.
     */
    void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, SgdStep s) {
        float[] p = ((CpuStorage) param.storage()).f32();
        float[] g = ((CpuStorage) grad.storage()).f32();
        boolean hasMomentum = s.momentum() != 0;
        float[] b = hasMomentum ? ((CpuStorage) momentumBuffer.storage()).f32() : null;
        int po = param.offset();
        int go = grad.offset();
        int bo = hasMomentum ? momentumBuffer.offset() : 0;
        boolean decays = s.weightDecay() != 0;
        boolean first = s.first();
        boolean nesterov = s.nesterov();
        boolean damps = 1 - s.dampening() != 1;
        // each scalar rounded to float as the composed ops round theirs
        float wd = (float) s.weightDecay();
        float mom = (float) s.momentum();
        float keep = (float) (1 - s.dampening());
        float step = (float) -s.lr();
        par.forRange((int) param.numel(), GRAIN, (st, en) -> {
            int i = st;
            if (vectorized) {
                for (int bound = st + F.loopBound(en - st); i < bound; i += F.length()) {
                    FloatVector pi = FloatVector.fromArray(F, p, po + i);
                    FloatVector d = FloatVector.fromArray(F, g, go + i);
                    if (decays) {
                        d = d.add(pi.mul(wd));
                    }
                    if (hasMomentum) {
                        FloatVector bi;
                        if (first) {
                            bi = d;
                        } else {
                            bi = FloatVector.fromArray(F, b, bo + i).mul(mom);
                            bi = bi.add(damps ? d.mul(keep) : d);
                        }
                        bi.intoArray(b, bo + i);
                        d = nesterov ? d.add(bi.mul(mom)) : bi;
                    }
                    pi.add(d.mul(step)).intoArray(p, po + i);
                }
            }
            for (; i < en; i++) {
                float pi = p[po + i];
                float d = g[go + i];
                if (decays) {
                    d = d + pi * wd;
                }
                if (hasMomentum) {
                    float bi = first ? d : b[bo + i] * mom + (damps ? d * keep : d);
                    b[bo + i] = bi;
                    d = nesterov ? d + bi * mom : bi;
                }
                p[po + i] = pi + d * step;
            }
        });
    }

    /**
     * The weight-EMA step {@code a = a * decay + x * (1 - decay)} in one pass, on all threads: the
     * composed form reads the average twice, writes it twice and allocates a scaled copy of the weights.
     */
    void ema(Tensor avg, Tensor x, double decay) {
        float[] a = ((CpuStorage) avg.storage()).f32();
        float[] w = ((CpuStorage) x.storage()).f32();
        int ao = avg.offset();
        int xo = x.offset();
        float d = (float) decay;
        float c = (float) (1 - decay);
        par.forRange((int) avg.numel(), GRAIN, (st, en) -> {
            int i = st;
            if (vectorized) {
                for (int bound = st + F.loopBound(en - st); i < bound; i += F.length()) {
                    FloatVector ai = FloatVector.fromArray(F, a, ao + i).mul(d);
                    ai.add(FloatVector.fromArray(F, w, xo + i).mul(c)).intoArray(a, ao + i);
                }
            }
            for (; i < en; i++) {
                a[ao + i] = a[ao + i] * d + w[xo + i] * c;
            }
        });
    }
}
