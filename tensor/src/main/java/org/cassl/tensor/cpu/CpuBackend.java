package org.cassl.tensor.cpu;

import java.util.List;
import org.cassl.tensor.AdamWStep;
import org.cassl.tensor.Backend;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.Conv2dFusion;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.SgdStep;
import org.cassl.tensor.Storage;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.UnaryOp;

/**
 * The reference backend: heap arrays, a fork-join pool of {@code threads} workers and Vector API
 * loops. With {@code vectorized == false} every kernel takes its plain scalar path, which tests
 * use as the reference for the fast paths.
 */
public final class CpuBackend implements Backend, AutoCloseable {
    private final Parallel par;
    private final boolean vectorized;
    private final CpuElementwise elementwise;
    private final CpuActivation activation;
    private final CpuOptimizer optimizer;
    private final CpuReduce reduce;
    private final CpuGemm gemm;
    private final CpuConv conv;
    private final CpuConvShared convShared;
    private final CpuPool pool;
    private final CpuInterpolate interpolate;
    private final CpuNorm norm;
    private final CpuBatchStats batchStats;
    private final CpuIndexing indexing;

    public CpuBackend(int threads) {
        this(threads, true);
    }

    public CpuBackend(int threads, boolean vectorized) {
        this.par = new Parallel(threads);
        this.vectorized = vectorized;
        this.elementwise = new CpuElementwise(par, vectorized);
        this.activation = new CpuActivation(par, vectorized);
        this.optimizer = new CpuOptimizer(par, vectorized);
        this.reduce = new CpuReduce(par);
        this.gemm = new CpuGemm(par, vectorized);
        this.conv = new CpuConv(par, gemm);
        this.convShared = new CpuConvShared(conv, par);
        this.pool = new CpuPool(par);
        this.interpolate = new CpuInterpolate(par);
        this.norm = new CpuNorm(par);
        this.batchStats = new CpuBatchStats(par);
        this.indexing = new CpuIndexing(par);
    }

    public int threads() {
        return par.threads();
    }

    public boolean vectorized() {
        return vectorized;
    }

    /** The worker pool, for kernels outside this package that want the same threads. */
    public Parallel parallel() {
        return par;
    }

    /** Direct access to the GEMM kernel (row-major float arrays) for benchmarks and fused ops. */
    public CpuGemm gemm() {
        return gemm;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public void close() {
        par.close();
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        return CpuArena.allocate(dtype, length);
    }

    @Override
    public Storage upload(DType dtype, Object hostArray) {
        Object copy;
        if (hostArray instanceof float[]) {
            copy = ((float[]) hostArray).clone();
        } else if (hostArray instanceof double[]) {
            copy = ((double[]) hostArray).clone();
        } else if (hostArray instanceof long[]) {
            copy = ((long[]) hostArray).clone();
        } else if (hostArray instanceof byte[]) {
            copy = ((byte[]) hostArray).clone();
        } else {
            throw new IllegalArgumentException("unsupported host array " + hostArray.getClass());
        }
        return new CpuStorage(dtype, copy);
    }

    @Override
    public Object download(Tensor t) {
        Tensor c = Tensor.zeros(t.dtype(), Device.CPU, t.shape());
        elementwise.copy(t, c);
        return ((CpuStorage) c.storage()).array();
    }

    @Override
    public void fill(Tensor out, double value) {
        elementwise.fill(out, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        elementwise.copy(src, dst);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        elementwise.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        elementwise.where(cond, a, b, out);
    }

    @Override
    public void reluBackward(Tensor y, Tensor g, Tensor out) {
        if (CpuActivation.handles(y, g, out)) {
            activation.reluBackward(y, g, out);
        } else {
            Backend.super.reluBackward(y, g, out);
        }
    }

    @Override
    public void emaUpdate(Tensor avg, Tensor x, double decay) {
        if (CpuOptimizer.handles(avg, x)) {
            optimizer.ema(avg, x, decay);
        } else {
            Backend.super.emaUpdate(avg, x, decay);
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuffer, SgdStep s) {
        if (s.momentum() == 0 ? CpuOptimizer.handles(param, grad) : CpuOptimizer.handles(param, grad, momentumBuffer)) {
            optimizer.sgd(param, grad, momentumBuffer, s);
        } else {
            Backend.super.sgdUpdate(param, grad, momentumBuffer, s);
        }
    }

    @Override
    public void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamWStep s) {
        if (CpuOptimizer.handles(param, grad, expAvg, expAvgSq)) {
            optimizer.adamw(param, grad, expAvg, expAvgSq, s);
        } else {
            Backend.super.adamwUpdate(param, grad, expAvg, expAvgSq, s);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        reduce.reduce(op, x, dims, out);
    }

    @Override
    public void argReduce(ReduceOp op, Tensor x, int dim, Tensor values, Tensor indices) {
        reduce.argReduce(op, x, dim, values, indices);
    }

    @Override
    public void cumsum(Tensor x, int dim, Tensor out) {
        reduce.cumsum(x, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        gemm.matmul(a, b, out);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out) {
        conv.forward(x, w, bias, p, out);
    }

    @Override
    public void conv2dFused(Tensor x, Tensor w, Conv2dFusion f, Conv2dParams p, Tensor out) {
        conv.forwardFused(x, w, f, p, out);
    }

    @Override
    public void conv2dShared(List<Tensor> xs, Tensor w, Tensor bias, Conv2dParams p, List<Tensor> outs) {
        convShared.forward(xs, w, bias, p, outs);
    }

    @Override
    public void conv2dBackwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn) {
        conv.backwardInput(gradOut, w, p, gradIn);
    }

    @Override
    public void conv2dBackwardWeight(Tensor gradOut, Tensor x, Conv2dParams p, Tensor gradW) {
        conv.backwardWeight(gradOut, x, p, gradW);
    }

    @Override
    public void maxPool2d(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
        pool.maxPool(x, p, out, indices);
    }

    @Override
    public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        pool.maxPoolBackward(gradOut, indices, gradIn);
    }

    @Override
    public void avgPool2d(Tensor x, Pool2dParams p, Tensor out) {
        pool.avgPool(x, p, out);
    }

    @Override
    public void avgPool2dBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn) {
        pool.avgPoolBackward(gradOut, p, gradIn);
    }

    @Override
    public void upsample2d(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out) {
        interpolate.forward(x, mode, alignCorners, scaleH, scaleW, out);
    }

    @Override
    public void upsample2dBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH,
                                   double scaleW, Tensor gradIn) {
        interpolate.backward(gradOut, mode, alignCorners, scaleH, scaleW, gradIn);
    }

    @Override
    public void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean,
                          Tensor rstd) {
        norm.groupNorm(x, weight, bias, groups, eps, null, false, out, mean, rstd);
    }

    @Override
    public void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        norm.groupNormBackward(gradOut, x, weight, mean, rstd, groups, gradX, gradW, gradB);
    }

    @Override
    public void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out) {
        norm.batchNorm(x, mean, invStd, weight, bias, null, false, out);
    }

    @Override
    public void batchNormAct(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor residual,
                             boolean relu, Tensor out) {
        norm.batchNorm(x, mean, invStd, weight, bias, residual, relu, out);
    }

    @Override
    public void groupNormAct(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor residual, boolean relu,
                             Tensor out, Tensor mean, Tensor rstd) {
        norm.groupNorm(x, weight, bias, groups, eps, residual, relu, out, mean, rstd);
    }

    @Override
    public void batchNormStats(Tensor x, Tensor mean, Tensor var) {
        if (CpuBatchStats.handles(x, mean, var)) {
            batchStats.compute(x, mean, var);
        } else {
            Backend.super.batchNormStats(x, mean, var);
        }
    }

    @Override
    public void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                                  Tensor gradX, Tensor gradW, Tensor gradB) {
        norm.batchNormBackward(gradOut, x, mean, invStd, weight, training, gradX, gradW, gradB);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.indexSelect(x, dim, index, out);
    }

    @Override
    public void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        indexing.indexAdd(out, dim, index, src);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        indexing.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        indexing.scatterAdd(out, dim, index, src);
    }

    @Override
    public Tensor nonzero(Tensor x) {
        return indexing.nonzero(x);
    }

    @Override
    public void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        indexing.sort(x, dim, descending, values, indices);
    }

    @Override
    public void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices) {
        indexing.topk(x, k, dim, largest, values, indices);
    }
}
