package org.cassl.tensor.cpu;

import org.cassl.tensor.Tensor;

/** index_select/index_add, gather/scatter_add, nonzero, sort, topk. */
final class CpuIndexing {
    private final Parallel par;

    CpuIndexing(Parallel par) {
        this.par = par;
    }

    void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void gather(Tensor x, int dim, Tensor index, Tensor out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    Tensor nonzero(Tensor x) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    void topk(Tensor x, int k, int dim, boolean largest, Tensor values, Tensor indices) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
