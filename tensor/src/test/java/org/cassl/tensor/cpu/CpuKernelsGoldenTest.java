package org.cassl.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cassl.tensor.Conv2dParams;
import org.cassl.tensor.NnOps;
import org.cassl.tensor.Pool2dParams;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.ValuesIndices;
import org.cassl.tensor.testing.Golden;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** conv2d, conv_transpose2d, max_pool2d and avg_pool2d against PyTorch 1.13 (tools/golden/gen_cpu_kernels.py). */
class CpuKernelsGoldenTest {
    private static Golden golden;

    @BeforeAll
    static void load() {
        golden = Golden.load("cpu_kernels");
    }

    private static Conv2dParams convParams(Golden.Case c) {
        int[] s = c.intsParam("stride");
        int[] p = c.intsParam("padding");
        int[] d = c.intsParam("dilation");
        return new Conv2dParams(s[0], s[1], p[0], p[1], d[0], d[1], c.intParam("groups"));
    }

    @Test
    void conv2d() {
        assertEquals(5, golden.cases("conv2d_").size());
        for (Golden.Case c : golden.cases("conv2d_")) {
            Tensor out = NnOps.conv2d(c.get("x"), c.get("w"), c.has("b") ? c.get("b") : null, convParams(c));
            TensorAssert.assertClose(c.get("out"), out, 1e-4, 1e-4, c.name());
        }
    }

    @Test
    void convTranspose2d() {
        assertEquals(3, golden.cases("convt_").size());
        for (Golden.Case c : golden.cases("convt_")) {
            int[] op = c.intsParam("output_padding");
            Tensor out = NnOps.convTranspose2d(c.get("x"), c.get("w"), c.has("b") ? c.get("b") : null, convParams(c),
                    op[0], op[1]);
            TensorAssert.assertClose(c.get("out"), out, 1e-4, 1e-4, c.name());
        }
    }

    @Test
    void maxPool2dValuesAndIndices() {
        assertEquals(5, golden.cases("maxpool_").size());
        for (Golden.Case c : golden.cases("maxpool_")) {
            int k = c.intParam("kernel");
            int s = c.intParam("stride");
            int p = c.intParam("padding");
            int d = c.intParam("dilation");
            ValuesIndices r = NnOps.maxPool2d(c.get("x"),
                    new Pool2dParams(k, k, s, s, p, p, d, d, c.boolParam("ceil_mode", false), true));
            TensorAssert.assertEqual(c.get("out"), r.values(), c.name() + " values");
            TensorAssert.assertEqual(c.get("indices"), r.indices(), c.name() + " indices");
        }
    }

    @Test
    void avgPool2d() {
        assertEquals(6, golden.cases("avgpool_").size());
        for (Golden.Case c : golden.cases("avgpool_")) {
            int k = c.intParam("kernel");
            int s = c.intParam("stride");
            int p = c.intParam("padding");
            Pool2dParams params = new Pool2dParams(k, k, s, s, p, p, 1, 1, c.boolParam("ceil_mode", false),
                    c.boolParam("count_include_pad", true));
            TensorAssert.assertClose(c.get("out"), NnOps.avgPool2d(c.get("x"), params), 1e-6, 1e-6, c.name());
        }
    }
}
