package org.cassl.detection.box;

import static org.cassl.tensor.testing.TensorAssert.assertClose;
import static org.cassl.tensor.testing.TensorAssert.assertEqual;

import org.cassl.autograd.Variable;
import org.cassl.detection.FcosGolden;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

class BoxLinearCoderTest {
    private final BoxLinearCoder coder = new BoxLinearCoder(true);

    @Test
    void encodeAndDecodeMatchTorchvisionBitForBit() {
        Golden.Case c = FcosGolden.opsCase("coder");
        assertEqual(c.get("encoded"), coder.encode(c.get("reference"), c.get("proposals")), "encode");
        assertEqual(c.get("decoded"), coder.decode(c.get("codes"), c.get("reference")), "decode");
    }

    @Test
    void decodeInvertsEncode() {
        Generator gen = new Generator(3);
        Tensor ref = FcosGolden.opsCase("coder").get("reference");
        Tensor xy = Tensor.uniform(gen, 0, 50, DType.F32, ref.size(0), 2);
        Tensor wh = Tensor.uniform(gen, 1, 30, DType.F32, ref.size(0), 2);
        Tensor boxes = Tensor.cat(java.util.List.of(xy, xy.add(wh)), 1);
        for (BoxLinearCoder c : new BoxLinearCoder[] {coder, new BoxLinearCoder(false)}) {
            assertClose(boxes, c.decode(c.encode(ref, boxes), ref), 1e-5, 1e-4, "round trip " + c.normalizeBySize());
        }
    }

    @Test
    void differentiableDecodeScalesTheGradientByTheAnchorSize() {
        Tensor anchors = Tensor.of(new float[] {0, 0, 8, 8, -8, -4, 24, 28}, 2, 4);
        Variable codes = Variable.parameter(Tensor.of(new float[] {1, 2, 3, 4, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 4));
        Variable boxes = coder.decode(codes, anchors);
        assertEqual(coder.decode(codes.data(), anchors), boxes.data(), "forward");
        boxes.sum().backward();
        assertEqual(Tensor.of(new float[] {-8, -8, 8, 8, -32, -32, 32, 32}, 2, 4), codes.grad(), "grad");
    }
}
