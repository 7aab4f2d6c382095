package org.cassl.detection.mask;

import org.cassl.tensor.testing.Golden;

/** The golden file of {@code tools/golden/gen_masks.py}, loaded once per test JVM. */
final class MaskGolden {
    private static Golden golden;

    private MaskGolden() {
    }

    static synchronized Golden get() {
        if (golden == null) {
            golden = Golden.load("fcos_masks");
        }
        return golden;
    }

    /** The single case called {@code name}. */
    static Golden.Case get(String name) {
        return get().cases(name).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no golden case " + name));
    }
}
