package org.cassl.autograd;

import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;
import static org.cassl.autograd.Checks.transposed;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck of matmul (every rank combination, batch broadcasting), bmm and linear. */
class LinalgGradCheckTest {
    @TestFactory
    List<DynamicTest> products() {
        return List.of(
            case_("mm", v -> v[0].matmul(v[1]), randn(1, 3, 4), randn(2, 4, 2)),
            case_("mm_transposed", v -> v[0].matmul(v[1]), transposed(3, 3, 4), transposed(4, 4, 2)),
            case_("vec_vec", v -> v[0].matmul(v[1]), randn(5, 4), randn(6, 4)),
            case_("vec_mat", v -> v[0].matmul(v[1]), randn(7, 4), randn(8, 4, 3)),
            case_("mat_vec", v -> v[0].matmul(v[1]), randn(9, 3, 4), randn(10, 4)),
            case_("batched_mat", v -> v[0].matmul(v[1]), randn(11, 2, 3, 4), randn(12, 4, 2)),
            case_("mat_batched", v -> v[0].matmul(v[1]), randn(13, 3, 4), randn(14, 2, 4, 2)),
            case_("vec_batched", v -> v[0].matmul(v[1]), randn(15, 4), randn(16, 2, 4, 3)),
            case_("batched_vec", v -> v[0].matmul(v[1]), randn(17, 2, 3, 4), randn(18, 4)),
            case_("batch_broadcast", v -> v[0].matmul(v[1]), randn(19, 2, 1, 3, 4), randn(20, 3, 4, 2)),
            case_("bmm", v -> v[0].bmm(v[1]), randn(21, 2, 3, 4), randn(22, 2, 4, 2)),
            case_("linear", v -> Functional.linear(v[0], v[1], v[2]), randn(23, 3, 4), randn(24, 2, 4), randn(25, 2)),
            case_("linear_3d_no_bias", v -> Functional.linear(v[0], v[1], null), randn(26, 2, 3, 4), randn(27, 5, 4)));
    }
}
