package org.cassl.autograd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.InterpolationMode;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;

/**
 * The Java side of {@code tools/golden/gen_ops.py}: every op name used there, mapped to the same
 * call on variables with the case's arguments.
 */
final class GoldenOps {
    private GoldenOps() {
    }

    /** What an op returned: differentiable outputs, integer outputs, and tensors updated in place. */
    record Outputs(List<Variable> values, List<Tensor> indices, Map<String, Tensor> extras) {
        static Outputs of(Variable v) {
            return new Outputs(List.of(v), List.of(), Map.of());
        }

        static Outputs of(VariableIndices vi) {
            return new Outputs(List.of(vi.values()), List.of(vi.indices()), Map.of());
        }

        static Outputs of(List<Variable> vs) {
            return new Outputs(vs, List.of(), Map.of());
        }
    }

    /** One op: arguments from the case's JSON, inputs already wrapped (and viewed). */
    interface Op {
        Outputs apply(JsonNode args, Variable[] in, Golden.Case c);
    }

    private interface Simple {
        Variable apply(JsonNode args, Variable[] in, Golden.Case c);
    }

    static final Map<String, Op> OPS = new HashMap<>();

    private static void reg(String name, Simple s) {
        OPS.put(name, (a, in, c) -> Outputs.of(s.apply(a, in, c)));
    }

    private static void regOp(String name, Op op) {
        OPS.put(name, op);
    }

    // ---- argument helpers --------------------------------------------------------------------

    static int[] ints(JsonNode a, String key) {
        JsonNode n = a.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        int[] r = new int[n.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = n.get(i).asInt();
        }
        return r;
    }

    static double[] doubles(JsonNode a, String key) {
        JsonNode n = a.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        double[] r = new double[n.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = n.get(i).asDouble();
        }
        return r;
    }

    /** A number argument, NaN when null (a missing clamp bound). */
    static double num(JsonNode a, String key) {
        JsonNode n = a.get(key);
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    static boolean bool(JsonNode a, String key) {
        JsonNode n = a.get(key);
        return n != null && !n.isNull() && n.asBoolean();
    }

    static int integer(JsonNode a, String key) {
        return a.get(key).asInt();
    }

    /** Reduction dims; null (all dims) becomes every dim of the input. */
    static int[] dims(JsonNode a, Variable x) {
        int[] d = ints(a, "dims");
        return d != null ? d : ReductionOps.allDims(x.dim());
    }

    private static Variable optional(Variable[] in, int i) {
        return in.length > i ? in[i] : null;
    }

    private static Tensor constOrNull(Golden.Case c, String key) {
        return c.has(key) ? c.get(key) : null;
    }

    static {
        // elementwise unary
        reg("neg", (a, in, c) -> in[0].neg());
        reg("abs", (a, in, c) -> in[0].abs());
        reg("exp", (a, in, c) -> in[0].exp());
        reg("log", (a, in, c) -> in[0].log());
        reg("log1p", (a, in, c) -> in[0].log1p());
        reg("sqrt", (a, in, c) -> in[0].sqrt());
        reg("rsqrt", (a, in, c) -> in[0].rsqrt());
        reg("sigmoid", (a, in, c) -> in[0].sigmoid());
        reg("tanh", (a, in, c) -> in[0].tanh());
        reg("relu", (a, in, c) -> in[0].relu());
        reg("square", (a, in, c) -> in[0].square());
        reg("reciprocal", (a, in, c) -> in[0].reciprocal());
        reg("sin", (a, in, c) -> in[0].sin());
        reg("cos", (a, in, c) -> in[0].cos());
        reg("clamp", (a, in, c) -> in[0].clamp(num(a, "min"), num(a, "max")));
        reg("pow_scalar", (a, in, c) -> in[0].pow(num(a, "p")));
        // binary and scalar
        reg("add", (a, in, c) -> in[0].add(in[1]));
        reg("sub", (a, in, c) -> in[0].sub(in[1]));
        reg("mul", (a, in, c) -> in[0].mul(in[1]));
        reg("div", (a, in, c) -> in[0].div(in[1]));
        reg("pow", (a, in, c) -> in[0].pow(in[1]));
        reg("maximum", (a, in, c) -> in[0].maximum(in[1]));
        reg("minimum", (a, in, c) -> in[0].minimum(in[1]));
        reg("add_scalar", (a, in, c) -> in[0].add(1.5));
        reg("sub_scalar", (a, in, c) -> in[0].sub(1.5));
        reg("mul_scalar", (a, in, c) -> in[0].mul(-2.5));
        reg("div_scalar", (a, in, c) -> in[0].div(3.0));
        reg("rsub_scalar", (a, in, c) -> in[0].rsub(2.0));
        reg("rdiv_scalar", (a, in, c) -> in[0].rdiv(2.0));
        reg("where", (a, in, c) -> Variable.where(c.get("c_cond"), in[0], in[1]));
        reg("masked_fill", (a, in, c) -> in[0].maskedFill(c.get("c_mask"), num(a, "value")));
        // reductions
        reg("sum", (a, in, c) -> in[0].sum(dims(a, in[0]), bool(a, "keepdim")));
        reg("mean", (a, in, c) -> in[0].mean(dims(a, in[0]), bool(a, "keepdim")));
        regOp("max_dim", (a, in, c) -> Outputs.of(in[0].max(integer(a, "dim"), bool(a, "keepdim"))));
        regOp("min_dim", (a, in, c) -> Outputs.of(in[0].min(integer(a, "dim"), bool(a, "keepdim"))));
        reg("amax", (a, in, c) -> in[0].amax(dims(a, in[0]), bool(a, "keepdim")));
        reg("amin", (a, in, c) -> in[0].amin(dims(a, in[0]), bool(a, "keepdim")));
        reg("max_all", (a, in, c) -> in[0].max());
        reg("min_all", (a, in, c) -> in[0].min());
        reg("var", (a, in, c) -> in[0].var(dims(a, in[0]), integer(a, "correction"), bool(a, "keepdim")));
        reg("cumsum", (a, in, c) -> in[0].cumsum(integer(a, "dim")));
        reg("prod", (a, in, c) -> a.get("dim").isNull() ? in[0].prod()
                : in[0].prod(integer(a, "dim"), bool(a, "keepdim")));
        reg("logsumexp", (a, in, c) -> in[0].logsumexp(dims(a, in[0]), bool(a, "keepdim")));
        reg("softmax", (a, in, c) -> in[0].softmax(integer(a, "dim")));
        reg("log_softmax", (a, in, c) -> in[0].logSoftmax(integer(a, "dim")));
        registerShaping();
        registerIndexingAndLinalg();
        registerNn();
    }

    private static void registerShaping() {
        reg("reshape", (a, in, c) -> in[0].reshape(ints(a, "shape")));
        reg("view", (a, in, c) -> in[0].view(ints(a, "shape")));
        reg("permute", (a, in, c) -> in[0].permute(ints(a, "dims")));
        reg("transpose", (a, in, c) -> in[0].transpose(integer(a, "d0"), integer(a, "d1")));
        reg("slice", (a, in, c) -> in[0].slice(integer(a, "dim"), integer(a, "start"), integer(a, "end"),
                integer(a, "step")));
        reg("narrow", (a, in, c) -> in[0].narrow(integer(a, "dim"), integer(a, "start"), integer(a, "length")));
        reg("select", (a, in, c) -> in[0].select(integer(a, "dim"), integer(a, "index")));
        reg("expand", (a, in, c) -> in[0].expand(ints(a, "shape")));
        reg("squeeze", (a, in, c) -> a.get("dim").isNull() ? in[0].squeeze() : in[0].squeeze(integer(a, "dim")));
        reg("unsqueeze", (a, in, c) -> in[0].unsqueeze(integer(a, "dim")));
        reg("flatten", (a, in, c) -> in[0].flatten(integer(a, "start"), integer(a, "end")));
        reg("contiguous", (a, in, c) -> in[0].contiguous());
        reg("cat", (a, in, c) -> Variable.cat(List.of(in), integer(a, "dim")));
        reg("stack", (a, in, c) -> Variable.stack(List.of(in), integer(a, "dim")));
        regOp("split", (a, in, c) -> Outputs.of(a.has("sizes") ? in[0].split(ints(a, "sizes"), integer(a, "dim"))
                : in[0].split(integer(a, "size"), integer(a, "dim"))));
        regOp("chunk", (a, in, c) -> Outputs.of(in[0].chunk(integer(a, "chunks"), integer(a, "dim"))));
    }

    private static void registerIndexingAndLinalg() {
        reg("index_select", (a, in, c) -> in[0].indexSelect(integer(a, "dim"), c.get("c_index")));
        reg("gather", (a, in, c) -> in[0].gather(integer(a, "dim"), c.get("c_index")));
        reg("scatter_add", (a, in, c) -> in[0].scatterAdd(integer(a, "dim"), c.get("c_index"), in[1]));
        reg("masked_select", (a, in, c) -> in[0].maskedSelect(c.get("c_mask")));
        regOp("topk", (a, in, c) -> Outputs.of(in[0].topk(integer(a, "k"), integer(a, "dim"), bool(a, "largest"))));
        regOp("sort", (a, in, c) -> Outputs.of(in[0].sort(integer(a, "dim"), bool(a, "descending"))));
        reg("matmul", (a, in, c) -> in[0].matmul(in[1]));
        reg("bmm", (a, in, c) -> in[0].bmm(in[1]));
        reg("linear", (a, in, c) -> Functional.linear(in[0], in[1], optional(in, 2)));
    }

    private static Conv2dParams conv(JsonNode a) {
        int[] s = ints(a, "stride");
        int[] p = ints(a, "padding");
        int[] d = ints(a, "dilation");
        return new Conv2dParams(s[0], s[1], p[0], p[1], d[0], d[1], integer(a, "groups"));
    }

    private static Pool2dParams pool(JsonNode a) {
        int[] k = ints(a, "kernel");
        int[] s = ints(a, "stride");
        int[] p = ints(a, "padding");
        int[] d = ints(a, "dilation");
        return new Pool2dParams(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], bool(a, "ceil_mode"),
                bool(a, "count_include_pad"));
    }

    private static void registerNn() {
        reg("conv2d", (a, in, c) -> Functional.conv2d(in[0], in[1], optional(in, 2), conv(a)));
        reg("conv_transpose2d", (a, in, c) -> {
            int[] op = ints(a, "output_padding");
            return Functional.convTranspose2d(in[0], in[1], optional(in, 2), conv(a), op[0], op[1]);
        });
        regOp("max_pool2d", (a, in, c) -> Outputs.of(Functional.maxPool2dWithIndices(in[0], pool(a))));
        reg("avg_pool2d", (a, in, c) -> Functional.avgPool2d(in[0], pool(a)));
        reg("interpolate", (a, in, c) -> Functional.interpolate(in[0], ints(a, "size"), doubles(a, "scale"),
                InterpolationMode.valueOf(a.get("mode").asText().toUpperCase(Locale.ROOT)), bool(a, "align_corners"),
                bool(a, "recompute_scale_factor")));
        reg("group_norm", (a, in, c) -> Functional.groupNorm(in[0], integer(a, "groups"), optional(in, 1),
                optional(in, 2), num(a, "eps")));
        regOp("batch_norm", (a, in, c) -> {
            Tensor rm = c.has("c_rm") ? c.get("c_rm").copy() : null;
            Tensor rv = c.has("c_rv") ? c.get("c_rv").copy() : null;
            Variable out = Functional.batchNorm(in[0], rm, rv, optional(in, 1), optional(in, 2), bool(a, "training"),
                    num(a, "momentum"), num(a, "eps"));
            Map<String, Tensor> extras = new HashMap<>();
            if (rm != null) {
                extras.put("rm", rm);
                extras.put("rv", rv);
            }
            return new Outputs(List.of(out), List.of(), extras);
        });
        reg("bce_with_logits", (a, in, c) -> Functional.binaryCrossEntropyWithLogits(in[0], in[1],
                constOrNull(c, "c_weight"), constOrNull(c, "c_pos_weight"),
                LossReduction.valueOf(a.get("reduction").asText().toUpperCase(Locale.ROOT))));
    }

    /** The view named in a case's params, applied to the stored contiguous base. */
    static Tensor view(Tensor base, String spec) {
        switch (spec) {
            case "none": return base;
            case "t": return base.transpose(-1, -2);
            case "s2": return base.slice(0, 0, base.size(0), 2);
            case "off": return base.slice(-1, 1, base.size(-1), 1);
            default: throw new IllegalArgumentException("unknown view " + spec);
        }
    }

    /** The op names the golden file uses, in order. */
    static List<String> opsIn(Golden g) {
        List<String> r = new ArrayList<>();
        for (Golden.Case c : g.cases()) {
            String op = c.stringParam("op");
            if (!r.contains(op)) {
                r.add(op);
            }
        }
        return r;
    }
}
