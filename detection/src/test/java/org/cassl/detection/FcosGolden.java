package org.cassl.detection;

import org.cassl.tensor.testing.Golden;

/** The FCOS golden files of {@code tools/golden/gen_fcos.py}, loaded once per test JVM. */
public final class FcosGolden {
    private static Golden ops;
    private static Golden model;

    private FcosGolden() {
    }

    /** Box ops, losses, coder, anchors, assignment, post-processing, NMS, transform. */
    public static synchronized Golden ops() {
        if (ops == null) {
            ops = Golden.load("fcos_ops");
        }
        return ops;
    }

    /** The deterministic-weight ResNet-18 FCOS: features, head outputs, detections, losses, gradients. */
    public static synchronized Golden model() {
        if (model == null) {
            model = Golden.load("fcos_model");
        }
        return model;
    }

    /** The single case called {@code name}. */
    public static Golden.Case opsCase(String name) {
        return ops().cases(name).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no golden case " + name));
    }
}
