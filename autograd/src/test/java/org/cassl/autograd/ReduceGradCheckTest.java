package org.cassl.autograd;

import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;
import static org.cassl.autograd.Checks.transposed;

import java.util.List;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck of reductions, scans and softmax. */
class ReduceGradCheckTest {
    private static Tensor withZeros(int count) {
        double[] v = {0.5, -1.2, 0.8, 1.5, -0.7, 1.1, 0.9, -1.3};
        for (int i = 0; i < count; i++) {
            v[1 + 3 * i] = 0;
        }
        return Tensor.of(v, 2, 4);
    }

    @TestFactory
    List<DynamicTest> reductions() {
        Tensor x = randn(1, 3, 4);
        Tensor x3 = randn(2, 2, 3, 4);
        return List.of(
            case_("sum_all", v -> v[0].sum(), x),
            case_("sum_dim", v -> v[0].sum(1, false), x3),
            case_("sum_dims_keepdim", v -> v[0].sum(new int[] {0, 2}, true), x3),
            case_("mean_all", v -> v[0].mean(), x),
            case_("mean_dim_neg", v -> v[0].mean(-1, false), x3),
            case_("mean_dims_keepdim", v -> v[0].mean(new int[] {0, 1}, true), x3),
            case_("max_dim", v -> v[0].max(1, false).values(), x3),
            case_("max_dim_keepdim", v -> v[0].max(0, true).values(), x),
            case_("min_dim", v -> v[0].min(-1, false).values(), x3),
            case_("amax", v -> v[0].amax(new int[] {0, 2}, false), x3),
            case_("amin_keepdim", v -> v[0].amin(new int[] {1}, true), x3),
            case_("max_all", v -> v[0].max(), x),
            case_("min_all", v -> v[0].min(), x),
            case_("var_unbiased", v -> v[0].var(new int[] {1}, 1, false), x3),
            case_("var_population_keepdim", v -> v[0].var(new int[] {0, 2}, 0, true), x3),
            case_("var_all", v -> v[0].var(), x),
            case_("cumsum", v -> v[0].cumsum(1), x3),
            case_("cumsum_last", v -> v[0].cumsum(-1), transposed(3, 3, 4)),
            case_("prod_all", v -> v[0].prod(), Checks.uniform(4, 0.5, 1.5, 2, 3)),
            case_("prod_dim", v -> v[0].prod(1, false), x3),
            case_("prod_dim_keepdim", v -> v[0].prod(0, true), x),
            case_("prod_one_zero", v -> v[0].prod(1, false), withZeros(1)),
            case_("prod_two_zeros", v -> v[0].prod(1, false), withZeros(2)),
            case_("prod_all_one_zero", v -> v[0].prod(), withZeros(1)),
            case_("logsumexp", v -> v[0].logsumexp(new int[] {1}, false), x3),
            case_("logsumexp_keepdim", v -> v[0].logsumexp(new int[] {0, 2}, true), x3.mul(10)),
            case_("softmax", v -> v[0].softmax(1), x3),
            case_("softmax_last", v -> v[0].softmax(-1), transposed(5, 3, 4)),
            case_("log_softmax", v -> v[0].logSoftmax(0), x));
    }
}
