package org.cassl.kernels.crosscheck;

import java.util.ArrayList;
import java.util.List;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/** Composite ops through the Tensor API on CUDA tensors (softmax, mean, matmul broadcasting, ...). */
final class CompositeCases {
    private CompositeCases() {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("composite", "softmax, log_softmax, mean, var through the Tensor API", c -> {
            if (!c.tensorApiReachesGpu()) {
                throw new UnsupportedOperationException("the Tensor API routes to the registered backend, not this one");
            }
            Ctx.Pair x = c.pair(c.random(DType.F32, 8, 91, 37));
            c.close("softmax", x.cpu().softmax(1), x.gpu().softmax(1), 1e-5, 1e-7);
            c.close("log_softmax", x.cpu().logSoftmax(2), x.gpu().logSoftmax(2), 1e-5, 1e-6);
            c.close("mean", x.cpu().mean(new int[] {0, 2}, true), x.gpu().mean(new int[] {0, 2}, true), 1e-5, 1e-6);
            c.close("var", x.cpu().var(new int[] {1}, 1, false), x.gpu().var(new int[] {1}, 1, false), 1e-5, 1e-6);
            c.close("clamp", x.cpu().clamp(-0.5, 0.5), x.gpu().clamp(-0.5, 0.5), 0, 0);
            Ctx.Pair a = c.pair(c.random(DType.F32, 3, 1, 20, 30));
            Ctx.Pair b = c.pair(c.random(DType.F32, 4, 30, 10));
            c.close("matmul broadcast", a.cpu().matmul(b.cpu()), a.gpu().matmul(b.gpu()), 1e-5, 1e-4);
            Ctx.Pair m = c.pair(c.random(DType.F32, 50, 60));
            Ctx.Pair mask = c.pair(c.random(DType.BOOL, 50, 60));
            c.exact("masked_select", m.cpu().maskedSelect(mask.cpu()), m.gpu().maskedSelect(mask.gpu()));
            c.exact("argmax", m.cpu().argmax(), m.gpu().argmax());
            c.exact("to(cpu) round trip", m.cpu(), m.gpu().to(org.cassl.tensor.Device.CPU));
            Tensor oh = Tensor.of(new long[] {2, 0, 1}, 3);
            c.exact("one_hot", oh.oneHot(4), oh.to(c.device).oneHot(4));
        }));
        return out;
    }
}
