package org.cassl.autograd;

import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;
import static org.cassl.autograd.Checks.transposed;

import java.util.List;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck of index_select, gather, scatter_add, masked_select, topk and sort. */
class IndexingGradCheckTest {
    private static Tensor idx(long[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @TestFactory
    List<DynamicTest> indexing() {
        Tensor rows = idx(new long[] {2, 0, 2}, 3);
        Tensor g1 = idx(new long[] {3, 0, 1, 1, 2, 3}, 3, 2);
        Tensor s0 = idx(new long[] {2, 0, 1, 2, 1, 1, 0, 2}, 2, 4);
        Tensor mask = Tensor.of(new boolean[] {true, false, true, true, false, false, true, false, true, true, false, true}, 3, 4);
        Tensor rowMask = Tensor.of(new boolean[] {false, true, true, false}, 4);
        return List.of(
            case_("index_select_dim0_repeated", v -> v[0].indexSelect(0, rows), randn(1, 4, 3)),
            case_("index_select_dim1", v -> v[0].indexSelect(1, idx(new long[] {1, 1}, 2)), transposed(2, 3, 4)),
            case_("gather_dim1", v -> v[0].gather(1, g1), randn(3, 3, 4)),
            case_("gather_dim0", v -> v[0].gather(0, s0), randn(4, 3, 4)),
            case_("scatter_add", v -> v[0].scatterAdd(0, s0, v[1]), randn(5, 3, 4), randn(6, 2, 4)),
            case_("scatter_add_larger_src", v -> v[0].scatterAdd(0, s0, v[1]), randn(7, 3, 4), randn(8, 3, 5)),
            case_("masked_select", v -> v[0].maskedSelect(mask), randn(9, 3, 4)),
            case_("masked_select_broadcast_mask", v -> v[0].maskedSelect(rowMask), randn(10, 3, 4)),
            case_("masked_select_broadcast_input", v -> v[0].maskedSelect(mask), randn(11, 4)),
            case_("topk_largest", v -> v[0].topk(2, 1, true).values(), randn(12, 3, 5)),
            case_("topk_smallest_dim0", v -> v[0].topk(2, 0, false).values(), randn(13, 4, 3)),
            case_("sort_descending", v -> v[0].sort(1, true).values(), randn(14, 3, 4)),
            case_("sort_dim0", v -> v[0].sort(0, false).values(), transposed(15, 4, 3)));
    }
}
