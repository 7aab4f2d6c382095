package org.cassl.autograd;

import static org.cassl.autograd.Checks.awayFromZero;
import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;
import static org.cassl.autograd.Checks.strided;
import static org.cassl.autograd.Checks.transposed;
import static org.cassl.autograd.Checks.uniform;

import java.util.List;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck (float64 finite differences) of every elementwise rule, with broadcasting and strided inputs. */
class ElementwiseGradCheckTest {

    @TestFactory
    List<DynamicTest> unary() {
        Tensor pos = uniform(1, 0.3, 2.0, 2, 3);
        Tensor any = randn(2, 2, 3);
        Tensor kinky = awayFromZero(3, 0.05, 3, 2);
        return List.of(
            case_("neg", x -> x[0].neg(), any),
            case_("abs", x -> x[0].abs(), kinky),
            case_("exp", x -> x[0].exp(), any),
            case_("log", x -> x[0].log(), pos),
            case_("log1p", x -> x[0].log1p(), uniform(4, -0.5, 2, 2, 3)),
            case_("sqrt", x -> x[0].sqrt(), pos),
            case_("rsqrt", x -> x[0].rsqrt(), pos),
            case_("sigmoid", x -> x[0].sigmoid(), any),
            case_("tanh", x -> x[0].tanh(), any),
            case_("relu", x -> x[0].relu(), kinky),
            case_("clamp", x -> x[0].clamp(-0.5, 0.7), uniform(5, -1, 1, 4, 3).add(0.013)),
            case_("clamp_min", x -> x[0].clampMin(0.2), uniform(6, -1, 1, 4, 3).add(0.013)),
            case_("clamp_max", x -> x[0].clampMax(-0.1), uniform(7, -1, 1, 4, 3).add(0.013)),
            case_("pow_2", x -> x[0].pow(2), any),
            case_("pow_0", x -> x[0].pow(0), any),
            case_("pow_half", x -> x[0].pow(0.5), pos),
            case_("pow_neg", x -> x[0].pow(-1.5), pos),
            case_("pow_3_negative_base", x -> x[0].pow(3), any),
            case_("square", x -> x[0].square(), any),
            case_("reciprocal", x -> x[0].reciprocal(), awayFromZero(8, 0.3, 2, 3)),
            case_("sin", x -> x[0].sin(), any),
            case_("cos", x -> x[0].cos(), any),
            case_("exp_transposed", x -> x[0].exp(), transposed(9, 3, 4)),
            case_("sigmoid_strided", x -> x[0].sigmoid(), strided(10, 3, 2)),
            case_("scalar_0d", x -> x[0].tanh(), randn(11)),
            case_("add_scalar", x -> x[0].add(1.5), any),
            case_("sub_scalar", x -> x[0].sub(1.5), any),
            case_("mul_scalar", x -> x[0].mul(-2.5), any),
            case_("div_scalar", x -> x[0].div(3), any),
            case_("rsub_scalar", x -> x[0].rsub(2), any),
            case_("rdiv_scalar", x -> x[0].rdiv(2), awayFromZero(12, 0.3, 2, 3)));
    }

    @TestFactory
    List<DynamicTest> binary() {
        Tensor a = randn(20, 2, 3);
        Tensor b = randn(21, 2, 3);
        Tensor row = randn(22, 3);
        Tensor col = randn(23, 4, 1);
        Tensor cube = randn(24, 2, 1, 3);
        Tensor bpos = uniform(25, 0.5, 2, 2, 3);
        Tensor rowNz = awayFromZero(26, 0.5, 3);
        return List.of(
            case_("add", x -> x[0].add(x[1]), a, b),
            case_("add_broadcast", x -> x[0].add(x[1]), cube, col),
            case_("sub_broadcast", x -> x[0].sub(x[1]), a, row),
            case_("mul", x -> x[0].mul(x[1]), a, b),
            case_("mul_broadcast", x -> x[0].mul(x[1]), col, cube),
            case_("mul_0d", x -> x[0].mul(x[1]), a, randn(27)),
            case_("div", x -> x[0].div(x[1]), a, awayFromZero(28, 0.5, 2, 3)),
            case_("div_broadcast", x -> x[0].div(x[1]), a, rowNz),
            case_("pow", x -> x[0].pow(x[1]), bpos, b),
            case_("pow_broadcast", x -> x[0].pow(x[1]), uniform(29, 0.5, 2, 2, 1, 3), uniform(30, -1, 2, 4, 1)),
            case_("pow_zero_exponent", x -> x[0].pow(x[1]), bpos, Tensor.zeros(org.cassl.tensor.DType.F64, 2, 3)),
            case_("maximum", x -> x[0].maximum(x[1]), a, b),
            case_("maximum_broadcast", x -> x[0].maximum(x[1]), cube, col),
            case_("minimum", x -> x[0].minimum(x[1]), a, b),
            case_("minimum_broadcast", x -> x[0].minimum(x[1]), a, row),
            case_("mul_transposed", x -> x[0].mul(x[1]), transposed(31, 3, 4), strided(32, 3, 4)),
            case_("where", x -> Variable.where(x[2].data().gt(0), x[0], x[1]), cube, col, randn(33, 4, 3)),
            case_("masked_fill", x -> x[0].maskedFill(x[1].data().gt(0), 7), a, row));
    }
}
