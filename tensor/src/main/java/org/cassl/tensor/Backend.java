package org.cassl.tensor;

import java.util.List;

/**
 * The primitives a compute backend implements. Everything else in cassl (broadcasting, type
 * promotion, softmax, losses, layers) is composed from these in the tensor layer and above.
 *
 * <p>Contract shared by all methods:
 * <ul>
 *   <li>The tensor layer has validated shapes, dtypes and devices; a backend may assume the
 *       operands are consistent, except for the <em>values</em> of index tensors, which it must
 *       check and report with {@link IndexOutOfRangeException}.</li>
 *   <li>Inputs may be arbitrary strided views (including stride 0 from broadcasting); outputs
 *       passed as {@code out} are allocated by the caller, and are contiguous unless a method
 *       says otherwise ({@link #copy} and {@link #binary} accept strided outputs for in-place
 *       updates).</li>
 *   <li>All tensors live on {@link #device()}.</li>
 * </ul>
 * A backend is found at run time through {@link BackendProvider} (see {@link Backends}).
 */
public interface Backend {

    /** Short name for {@code cassl info} and logs ({@code cpu}, {@code cuda}). */
    String name();

    Device device();

    // ---- memory ---------------------------------------------------------------------------

    /** A zero-filled storage of {@code length} elements. */
    Storage allocate(DType dtype, int length);

    /**
     * A storage holding a copy of a host array: {@code float[]} (F32), {@code double[]} (F64),
     * {@code long[]} (I64) or {@code byte[]} (U8 and BOOL, 0/1).
     */
    Storage upload(DType dtype, Object hostArray);

    /** The elements of {@code t} in row-major order as a new host array of the dtype's type. */
    Object download(Tensor t);

    /**
     * Opens a {@link MemoryScope} on the calling thread for the storages this backend allocates.
     * The default, for backends whose memory the garbage collector manages (the CPU), is the
     * shared no-op scope.
     */
    default MemoryScope openScope() {
        return MemoryScope.none();
    }

    // ---- elementwise -------------------------------------------------------------------------

    /** Sets every element of the (possibly strided) {@code out} to {@code value}. */
    void fill(Tensor out, double value);

    /** Element-by-element copy of {@code src} into {@code dst} (same shape, any strides, dtype cast). */
    void copy(Tensor src, Tensor dst);

    /**
     * {@code out = op(x)}; {@code out} has x's dtype or BOOL when {@link UnaryOp#boolResult()}, and
     * may be {@code x} itself (in-place, as {@link #batchNormAct}'s default uses it).
     */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /**
     * {@code out = a op b}. {@code a} and {@code b} share a dtype and have out's shape (broadcast
     * dims have stride 0). {@code out} may be strided and may alias {@code a} (in-place update).
     */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = cond ? a : b}; cond is BOOL, a and b share out's dtype, all of out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /**
     * The gradient of ReLU from its output: {@code out = y > 0 ? g : 0} ({@code y}, {@code g} and
     * {@code out} of one shape and dtype). The default is {@code where(y.gt(0), g, 0)}; a backend
     * may fuse it into one pass.
     */
    default void reluBackward(Tensor y, Tensor g, Tensor out) {
        copy(Tensor.where(y.gt(0), g, Tensor.full(0, g.dtype(), g.device())), out);
    }

    /**
     * One AdamW update in place of {@code param}, {@code expAvg} and {@code expAvgSq} from
     * {@code grad} (four dense tensors of one shape and floating dtype), with the arithmetic of
     * {@link AdamWStep}. The default composes tensor ops (several passes over memory and
     * temporaries); a backend may do it in one pass if the results are the same to the bit.
     */
    default void adamwUpdate(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamWStep s) {
        param.mulInPlace(s.decayScale());
        expAvg.mulInPlace(s.beta1()).addInPlace(grad, 1 - s.beta1());
        expAvgSq.mulInPlace(s.beta2()).addInPlace(grad.mul(grad), 1 - s.beta2());
        Tensor denom = expAvgSq.sqrt().div(s.bc2Sqrt()).add(s.eps());
        param.addInPlace(expAvg.div(denom), s.stepScale());
    }

    /**
     * One SGD update in place of {@code param} (and of {@code momentumBuffer} when the step has a
     * momentum) from {@code grad}, dense tensors of one shape and floating dtype, with the
     * arithmetic of {@link SgdStep}. The default composes tensor ops (temporaries of the
     * parameter's size); a backend may do it in one pass if the results are the same to the bit.
     */
    default void sgdUpdate(Tensor param, Tensor grad, Tensor momentumBuffer, SgdStep s) {
        Tensor d = s.weightDecay() != 0 ? grad.add(param.mul(s.weightDecay())) : grad;
        if (s.momentum() != 0) {
            if (s.first()) {
                momentumBuffer.copyFrom(d);
            } else {
                momentumBuffer.mulInPlace(s.momentum()).addInPlace(d, 1 - s.dampening());
            }
            d = s.nesterov() ? d.add(momentumBuffer.mul(s.momentum())) : momentumBuffer;
        }
        param.addInPlace(d, -s.lr());
    }

    /**
     * One step of an exponential moving average in place: {@code avg = avg * decay + x * (1 - decay)}
     * ({@code avg} and {@code x} dense of one shape and floating dtype). The default composes tensor
     * ops (three passes and a temporary); a backend may do it in one pass if the results are the
     * same to the bit.
     */
    default void emaUpdate(Tensor avg, Tensor x, double decay) {
        avg.mulInPlace(decay).addInPlace(x, 1 - decay);
    }

    // ---- reductions and scans --------------------------------------------------------------

    /**
     * Reduces {@code x} over the sorted dims {@code dims} into {@code out}, which has x's shape
     * with those dims set to 1. Empty reductions give the identity (0 for SUM, 1 for PROD, true
     * for ALL); MAX/MIN of an empty slice are rejected by the tensor layer.
     */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /**
     * Max or min along one dim with the index of the first extreme (NaN counts as the maximum,
     * as in PyTorch). {@code values} and {@code indices} (I64) have x's shape with dim set to 1.
     */
    void argReduce(ReduceOp op, Tensor x, int dim, Tensor values, Tensor indices);

    /** Inclusive cumulative sum along {@code dim}. */
    void cumsum(Tensor x, int dim, Tensor out);

    // ---- linear algebra ----------------------------------------------------------------------

    /** Batched matrix product {@code [B,M,K] x [B,K,N] -> [B,M,N]}; inputs may be any strided views. */
    void matmul(Tensor a, Tensor b, Tensor out);

    // ---- convolution and pooling ------------------------------------------------------------

    /** {@code x [N,C,H,W]}, {@code w [K,C/g,kh,kw]}, optional bias {@code [K]} -> {@code out [N,K,OH,OW]}. */
    void conv2d(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor out);

    /**
     * Inference-only convolution with its epilogue ({@link Conv2dFusion}; no gradient is defined):
     * {@code out = relu?(conv2d(x, w * f.weightScale) + f.bias + f.residual)}. The default composes
     * the primitives (fold the weights, convolve, add, ReLU); a backend may apply the scale while
     * packing the weights and the rest while the output is still in cache. Results agree with the
     * default up to float rounding.
     */
    default void conv2dFused(Tensor x, Tensor w, Conv2dFusion f, Conv2dParams p, Tensor out) {
        f.compose(this, x, w, p, out);
    }

    /**
     * {@code outs[i] = conv2d(xs[i], w, bias)} for every input: one convolution on several inputs
     * (an FPN head's on every level). Inference only (no gradient is defined). The default
     * convolves them one by one; a backend may run small inputs side by side in one product.
     * Results equal the one-by-one convolutions.
     */
    default void conv2dShared(List<Tensor> xs, Tensor w, Tensor bias, Conv2dParams p, List<Tensor> outs) {
        for (int i = 0; i < xs.size(); i++) {
            conv2d(xs.get(i), w, bias, p, outs.get(i));
        }
    }

    /** Gradient of conv2d with respect to its input; {@code gradIn} has the input's shape. */
    void conv2dBackwardInput(Tensor gradOut, Tensor w, Conv2dParams p, Tensor gradIn);

    /** Gradient of conv2d with respect to its weight; {@code gradW} has the weight's shape. */
    void conv2dBackwardWeight(Tensor gradOut, Tensor x, Conv2dParams p, Tensor gradW);

    /** Max pooling; {@code indices} (I64) hold the flat {@code h*W+w} position of each maximum. */
    void maxPool2d(Tensor x, Pool2dParams p, Tensor out, Tensor indices);

    /** Scatters {@code gradOut} to the argmax positions (accumulating) into zeroed {@code gradIn}. */
    void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn);

    void avgPool2d(Tensor x, Pool2dParams p, Tensor out);

    void avgPool2dBackward(Tensor gradOut, Pool2dParams p, Tensor gradIn);

    /**
     * Resizes {@code x [N,C,H,W]} to out's spatial size. {@code scaleH}/{@code scaleW} are the
     * user's scale factors (output/input) when PyTorch would use them for the coordinate mapping,
     * or {@code <= 0} to use the size ratio.
     */
    void upsample2d(Tensor x, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW, Tensor out);

    /** Adjoint of {@link #upsample2d} into zeroed {@code gradIn}. */
    void upsample2dBackward(Tensor gradOut, InterpolationMode mode, boolean alignCorners, double scaleH, double scaleW,
                            Tensor gradIn);

    // ---- normalisation --------------------------------------------------------------------

    /**
     * GroupNorm over {@code x [N,C,*]}: per (n, group) statistics; {@code mean}/{@code rstd} are
     * {@code [N,G]} outputs saved for backward; weight and bias ({@code [C]}) may be null.
     */
    void groupNorm(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor out, Tensor mean, Tensor rstd);

    /** Gradients of GroupNorm; any of gradX, gradW, gradB may be null when not needed. */
    void groupNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor rstd, int groups,
                           Tensor gradX, Tensor gradW, Tensor gradB);

    /**
     * BatchNorm over {@code x [N,C,*]} with given per-channel {@code mean} and {@code invStd}
     * ({@code [C]}): {@code out = (x-mean)*invStd*w + b}. In training mode the statistics come
     * from {@link #batchNormStats}.
     */
    void batchNorm(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor out);

    /**
     * The batch statistics of {@code x [N,C,*]} per channel, over every dim but 1, into
     * {@code mean} and {@code var} ({@code [C]}, x's dtype): the mean and the biased variance
     * exactly as {@code x.mean(dims)} and {@code x.var(dims, 0)} compute them. The default is those
     * reductions (the variance's deviations and squares are temporaries of x's size); a backend may
     * fuse them if the results are the same to the bit.
     */
    default void batchNormStats(Tensor x, Tensor mean, Tensor var) {
        int[] dims = new int[x.dim() - 1];
        for (int i = 1; i < dims.length; i++) {
            dims[i] = i + 1;
        }
        copy(x.mean(dims, false), mean);
        copy(x.var(dims, 0, false), var);
    }

    /**
     * BatchNorm backward for training mode (statistics of the batch itself) when {@code training},
     * else for fixed statistics; gradW and gradB may be null.
     */
    void batchNormBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor invStd, Tensor weight, boolean training,
                           Tensor gradX, Tensor gradW, Tensor gradB);

    /**
     * {@link #batchNorm} with an epilogue: {@code out = relu?(bn(x) + residual)}, rounded as the
     * unfused ops round it ({@code residual}, when not null, has out's shape and dtype). The default
     * runs the plain norm, then the add and the ReLU in place on {@code out}; a backend may do both
     * in the norm's output pass if the results are the same to the bit.
     */
    default void batchNormAct(Tensor x, Tensor mean, Tensor invStd, Tensor weight, Tensor bias, Tensor residual,
                              boolean relu, Tensor out) {
        batchNorm(x, mean, invStd, weight, bias, out);
        normEpilogue(out, residual, relu);
    }

    /** {@link #groupNorm} with the epilogue of {@link #batchNormAct}. */
    default void groupNormAct(Tensor x, Tensor weight, Tensor bias, int groups, double eps, Tensor residual, boolean relu,
                              Tensor out, Tensor mean, Tensor rstd) {
        groupNorm(x, weight, bias, groups, eps, out, mean, rstd);
        normEpilogue(out, residual, relu);
    }

    private void normEpilogue(Tensor out, Tensor residual, boolean relu) {
        if (residual != null) {
            binary(BinaryOp.ADD, out, residual, out);
        }
        if (relu) {
            unary(UnaryOp.RELU, out, out);
        }
    }

    // ---- indexing ----------------------------------------------------------------------------

    /** {@code out} = x with dim restricted to {@code index} (I64, 1-D). */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** {@code out[..., index[i], ...] += src[..., i, ...]} along dim; out may be strided. */
    void indexAdd(Tensor out, int dim, Tensor index, Tensor src);

    /** {@code out[i][j][k] = x[i][index[i][j][k]][k]} for dim 1, and so on. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** {@code out[i][index[i][j][k]][k] += src[i][j][k]} for dim 1, and so on. */
    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src);

    /** Coordinates of non-zero elements, {@code [count, rank]} I64, in row-major order. */
    Tensor nonzero(Tensor x);

    /** Stable sort along dim; indices are I64. */
    void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices);

    /** The k largest (or smallest) along dim, sorted, ties broken by lower index first. */
    void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices);
}
