package org.cassl.tensor.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * What the Vector API offers on this machine, for diagnostics ({@code cassl info}), so that
 * modules above {@code tensor} need not compile against the incubator module themselves.
 */
public final class VectorInfo {
    private VectorInfo() {
    }

    /**
     * The width of the preferred vector species.
     *
     * @return bits per vector
     */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /**
     * The float32 lanes of the preferred vector species.
     *
     * @return lanes per vector
     */
    public static int floatLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
