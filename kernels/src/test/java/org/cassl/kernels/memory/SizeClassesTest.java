package org.cassl.kernels.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SizeClassesTest {

    @Test
    void smallRequestsRoundToTheGranule() {
        assertEquals(0, SizeClasses.roundUp(0));
        assertEquals(512, SizeClasses.roundUp(1));
        assertEquals(512, SizeClasses.roundUp(512));
        assertEquals(1024, SizeClasses.roundUp(513));
        assertEquals(1L << 20, SizeClasses.roundUp((1L << 20) - 100));
        assertEquals(1L << 20, SizeClasses.roundUp(1L << 20));
    }

    @Test
    void largeRequestsRoundToQuarterSteps() {
        assertEquals((1L << 20) + (1L << 18), SizeClasses.roundUp((1L << 20) + 1));
        assertEquals(112L << 20, SizeClasses.roundUp(100L << 20));
        assertEquals(128L << 20, SizeClasses.roundUp(128L << 20));
    }

    @Test
    void classesCoverTheRequestWithBoundedWasteAndAreStable() {
        Random r = new Random(7);
        for (int i = 0; i < 10000; i++) {
            long req = 1 + (long) (Math.pow(2, r.nextDouble() * 34));
            long c = SizeClasses.roundUp(req);
            assertTrue(c >= req, "class covers request");
            assertTrue(c % SizeClasses.SMALL_GRANULE == 0, "aligned");
            assertTrue(c - req < Math.max(SizeClasses.SMALL_GRANULE, req / 4 + 1), "waste bounded for " + req);
            assertEquals(c, SizeClasses.roundUp(c), "a class is its own class");
        }
    }

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.roundUp(-1));
    }
}
