package org.cassl.autograd;

import static org.cassl.autograd.Checks.case_;
import static org.cassl.autograd.Checks.randn;
import static org.cassl.autograd.Checks.transposed;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** gradcheck of views, cat/stack and split/chunk. Each output is multiplied by a weight so the rule matters. */
class ShapingGradCheckTest {
    @TestFactory
    List<DynamicTest> views() {
        return List.of(
            case_("reshape", v -> v[0].reshape(4, -1).exp(), randn(1, 2, 3, 2)),
            case_("reshape_noncontiguous", v -> v[0].reshape(-1).exp(), transposed(2, 3, 4)),
            case_("view", v -> v[0].view(6, 2).sin(), randn(3, 3, 4)),
            case_("permute", v -> v[0].permute(2, 0, 1).cumsum(0), randn(4, 2, 3, 4)),
            case_("transpose", v -> v[0].transpose(0, 2).cumsum(1), randn(5, 2, 3, 4)),
            case_("t", v -> v[0].t().cumsum(1), randn(6, 3, 4)),
            case_("slice_step", v -> v[0].slice(1, 1, 6, 2).exp(), randn(7, 2, 7)),
            case_("slice_negative_bounds", v -> v[0].slice(0, -3, 10, 1).exp(), randn(8, 5, 2)),
            case_("narrow", v -> v[0].narrow(1, 1, 2).exp(), randn(9, 3, 4)),
            case_("select", v -> v[0].select(1, -1).exp(), randn(10, 3, 4)),
            case_("expand", v -> v[0].expand(2, 3, 4).cumsum(2), randn(11, 3, 1)),
            case_("expand_as", v -> v[0].expandAs(v[1]).mul(v[1]), randn(12, 4), randn(13, 3, 4)),
            case_("squeeze", v -> v[0].squeeze().cumsum(0), randn(14, 1, 3, 1, 2)),
            case_("squeeze_dim", v -> v[0].squeeze(2).cumsum(0), randn(15, 3, 2, 1)),
            case_("unsqueeze", v -> v[0].unsqueeze(1).cumsum(2), randn(16, 3, 2)),
            case_("flatten", v -> v[0].flatten(1, 2).cumsum(1), randn(17, 2, 3, 2)),
            case_("contiguous", v -> v[0].contiguous().cumsum(1), transposed(18, 3, 4)),
            case_("view_chain", v -> v[0].transpose(0, 1).slice(0, 0, 4, 2).unsqueeze(0).expand(2, 2, 3).cumsum(0),
                    randn(19, 3, 4)));
    }

    @TestFactory
    List<DynamicTest> joining() {
        return List.of(
            case_("cat", v -> Variable.cat(List.of(v[0], v[1], v[2]), 1).cumsum(1),
                    randn(20, 2, 1), randn(21, 2, 3), transposed(22, 2, 2)),
            case_("cat_legacy_empty", v -> Variable.cat(List.of(v[0], v[1]), 0).exp(),
                    randn(23, 0), randn(24, 3)),
            case_("stack", v -> Variable.stack(List.of(v[0], v[1]), 1).cumsum(1), randn(25, 2, 3), randn(26, 2, 3)),
            case_("stack_last", v -> Variable.stack(List.of(v[0], v[1]), -1).cumsum(2), randn(27, 2, 3), randn(28, 2, 3)),
            case_("split", v -> {
                List<Variable> p = v[0].split(2, 1);
                return p.get(0).mul(3).sum().add(p.get(2).exp().sum());
            }, randn(29, 2, 5)),
            case_("split_sizes", v -> {
                List<Variable> p = v[0].split(new int[] {1, 3}, 0);
                return p.get(1).sin().sum().add(p.get(0).square().sum());
            }, randn(30, 4, 2)),
            case_("chunk", v -> {
                List<Variable> p = v[0].chunk(3, 1);
                return Variable.cat(List.of(p.get(2), p.get(0)), 1).exp();
            }, randn(31, 2, 7)));
    }
}
