package org.cassl.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cassl.autograd.Functional;
import org.cassl.autograd.Variable;
import org.cassl.nn.layers.Conv2d;
import org.cassl.tensor.Generator;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

/** FPN variants the torchvision parity test does not reach: P6 from C5, the max-pool extra level. */
class FeaturePyramidNetworkTest {
    private static List<Variable> inputs(Generator g) {
        return List.of(Variable.of(Tensor.randn(g, 1, 4, 9, 7)), Variable.of(Tensor.randn(g, 1, 8, 5, 4)));
    }

    @Test
    void p6FromC5WhenChannelsDiffer() {
        Generator g = new Generator(3);
        LastLevelP6P7 extra = new LastLevelP6P7(8, 6, g);
        assertFalse(extra.usesP5());
        FeaturePyramidNetwork fpn = new FeaturePyramidNetwork(new int[] {4, 8}, 6, extra, g);
        List<Variable> x = inputs(g);
        List<Variable> out = fpn.forward(x);
        assertEquals(4, out.size());
        assertArrayEquals(new int[] {1, 6, 9, 7}, out.get(0).shape());
        assertArrayEquals(new int[] {1, 6, 5, 4}, out.get(1).shape());
        assertArrayEquals(new int[] {1, 6, 3, 2}, out.get(2).shape(), "stride-2 conv rounds up");
        assertArrayEquals(new int[] {1, 6, 2, 1}, out.get(3).shape());
        Conv2d p6 = (Conv2d) extra.child("p6");
        TensorAssert.assertClose(p6.forward(x.get(1)).data(), out.get(2).data(), 1e-6, 1e-6, "P6 = p6(C5)");
        Conv2d p7 = (Conv2d) extra.child("p7");
        TensorAssert.assertClose(p7.forward(out.get(2).relu()).data(), out.get(3).data(), 1e-6, 1e-6, "P7 = p7(relu(P6))");
        assertEquals(List.of("a", "b", "p6", "p7"), fpn.outputNames(List.of("a", "b")));
        assertEquals(0.0, ((Conv2d) extra.child("p6")).bias().data().abs().max().item());
    }

    @Test
    void topDownAddsNearestUpsampledCoarserLevel() {
        Generator g = new Generator(4);
        FeaturePyramidNetwork fpn = new FeaturePyramidNetwork(new int[] {4, 8}, 6, new LastLevelMaxPool(), g);
        List<Variable> x = inputs(g);
        List<Variable> out = fpn.forward(x);
        assertEquals(3, out.size());
        assertArrayEquals(new int[] {1, 6, 3, 2}, out.get(2).shape(), "max_pool2d(1, 2) halves rounding up");
        Conv2d inner0 = (Conv2d) fpn.child("inner_blocks").child("0").child("0");
        Conv2d inner1 = (Conv2d) fpn.child("inner_blocks").child("1").child("0");
        Conv2d layer0 = (Conv2d) fpn.child("layer_blocks").child("0").child("0");
        Variable top = inner1.forward(x.get(1));
        Variable merged = inner0.forward(x.get(0)).add(
                Functional.interpolate(top, 9, 7, org.cassl.tensor.InterpolationMode.NEAREST, false));
        TensorAssert.assertClose(layer0.forward(merged).data(), out.get(0).data(), 1e-6, 1e-6, "P3");
        assertThrows(ShapeMismatchException.class, () -> fpn.forward(x.subList(0, 1)));
        List<String> keys = new ArrayList<>(fpn.stateDict().keySet());
        assertEquals(List.of("inner_blocks.0.0.weight", "inner_blocks.0.0.bias", "inner_blocks.1.0.weight",
                "inner_blocks.1.0.bias", "layer_blocks.0.0.weight", "layer_blocks.0.0.bias", "layer_blocks.1.0.weight",
                "layer_blocks.1.0.bias"), keys);
        assertTrue(inner0.weight().data().abs().max().item() <= Math.sqrt(3.0 / 4), "kaiming_uniform(a=1) bound");
    }
}
