package org.cassl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The programmatic benchmark runners on tiny shapes (speed itself is never asserted). */
class BenchRunnersTest {

    @Test
    void gemmRunnerReportsConsistentNumbersAndJson() throws Exception {
        Result r = GemmBench.run(48, 1, 1, 3, false, 0);
        assertEquals("gemm", r.name());
        assertEquals("48x48x48", r.shape());
        assertTrue(r.minMs() > 0 && r.minMs() <= r.medianMs(), r.toString());
        assertEquals(2.0 * 48 * 48 * 48 / r.medianMs() / 1e6, r.gflops(), 1e-9);
        assertNull(r.peerMedianMs());
        JsonNode j = new ObjectMapper().readTree(r.toJson());
        assertEquals(r.medianMs(), j.get("median_ms").asDouble(), 0);
        assertTrue(j.get("peer_median_ms").isNull());
    }

    @Test
    void convRunnerCountsThreePassesForForwardBackward() {
        Result f = ConvBench.run(1, 4, 6, 3, ConvBench.Mode.FORWARD, 1, 1, 3, false, 0);
        Result fb = ConvBench.run(1, 4, 6, 3, ConvBench.Mode.FORWARD_BACKWARD, 1, 1, 3, false, 0);
        double flops = 2.0 * 4 * 4 * 9 * 36;
        assertEquals(flops / f.medianMs() / 1e6, f.gflops(), 1e-9);
        assertEquals(3 * flops / fb.medianMs() / 1e6, fb.gflops(), 1e-9);
        assertEquals("conv_forward_backward", fb.name());
        assertThrows(IllegalArgumentException.class, () -> ConvBench.Mode.parse("backward"));
        assertThrows(IllegalArgumentException.class,
                () -> ConvBench.run(1, 4, 6, 2, ConvBench.Mode.FORWARD, 1, 1, 1, false));
    }

    @Test
    void numpyPeerAnswersWhenInstalled() {
        assumeTrue(Files.isExecutable(Path.of(PythonPeer.PYTHON)), "no /usr/bin/python3");
        PythonPeer.Outcome o = PythonPeer.run("gemm_peer.py", 1, List.of("--size", "32", "--reps", "3",
                "--min-warmup-s", "0"));
        assumeTrue(o.error() == null || !o.error().contains("not importable"), "numpy missing");
        assertNull(o.error());
        assertNotNull(o.medianMs());
        assertTrue(o.medianMs() > 0 && o.library().startsWith("numpy"), o.toString());
    }

    @Test
    void missingPeerScriptIsReportedNotThrown() {
        PythonPeer.Outcome o = PythonPeer.run("no_such_peer.py", 1, List.of());
        assertNull(o.medianMs());
        assertTrue(o.error().contains("no_such_peer.py"), o.error());
    }

    @Test
    void maskStepIsMeasuredBesideTheBoxOnlyStepWithoutPeer() {
        Result r = FcosStepBench.run(new FcosStepBench.Setup("resnet18", 1, 64, 32, 3, 2,
                org.cassl.detection.FcosConfig.MaskHead.ROI), 1, 1, 1, true, false, 0);
        assertEquals("fcos_step_mask", r.name());
        assertEquals("resnet18 FPN32 B1 64x64 2 boxes mask roi", r.shape());
        assertNull(r.peerMedianMs(), "torchvision has no FCOS mask head: no peer");
        assertEquals("roi", r.extra().get("mask_head"));
        double box = (Double) r.extra().get("box_only_median_ms");
        assertTrue(box > 0, r.toString());
        assertEquals(r.medianMs() / box, (Double) r.extra().get("ratio_to_box_only"), 1e-12);
    }

    @Test
    void boxOnlyStepHasNoMaskFields() {
        Result r = FcosStepBench.run(new FcosStepBench.Setup("resnet18", 1, 64, 32, 3), 1, 1, 1, false, false, 0);
        assertEquals("fcos_step", r.name());
        assertEquals("resnet18 FPN32 B1 64x64", r.shape());
        assertTrue(r.medianMs() > 0);
        assertNull(r.extra().get("ratio_to_box_only"));
    }

    @Test
    void theStepTrainsWithAdamWWhenAskedAndRefusesOtherOptimizers() {
        FcosStepBench.Setup adamw = new FcosStepBench.Setup("resnet18", 1, 64, 32, 3, 4,
                org.cassl.detection.FcosConfig.MaskHead.NONE, "adamw");
        Result r = FcosStepBench.run(adamw, 1, 1, 1, false, false, 0);
        assertEquals("resnet18 FPN32 B1 64x64 adamw", r.shape());
        assertTrue(r.medianMs() > 0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FcosStepBench.Setup("resnet18", 1, 64, 32, 3, 4, org.cassl.detection.FcosConfig.MaskHead.NONE, "adam"));
        assertTrue(e.getMessage().contains("sgd or adamw") && e.getMessage().contains("adam"), e.getMessage());
    }

    @Test
    void theStepRunsOnNonSquareImagesAndReportsItsPeakMemory() {
        FcosStepBench.Setup wide = new FcosStepBench.Setup("resnet18", 1, 64, 96, 32, 3, 4,
                org.cassl.detection.FcosConfig.MaskHead.NONE, "sgd");
        assertEquals(96, wide.config().maxSize());
        Result r = FcosStepBench.run(wide, 1, 1, 1, false, false, 0);
        assertEquals("resnet18 FPN32 B1 64x96", r.shape());
        double rss = (Double) r.extra().get("peak_rss_mb");
        double heap = (Double) r.extra().get("max_heap_mb");
        assertTrue(rss > 0 && heap > 0, r.toString());
    }

    @Test
    void aNarrowerMaxSizeOrANonSquareMaskStepIsRefused() {
        IllegalArgumentException narrow = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FcosStepBench.Setup("resnet18", 1, 64, 48, 32, 3, 4, org.cassl.detection.FcosConfig.MaskHead.NONE,
                        "sgd"));
        assertTrue(narrow.getMessage().contains("S=64 M=48"), narrow.getMessage());
        IllegalArgumentException mask = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FcosStepBench.Setup("resnet18", 1, 64, 96, 32, 3, 4, org.cassl.detection.FcosConfig.MaskHead.ROI,
                        "sgd"));
        assertTrue(mask.getMessage().contains("square"), mask.getMessage());
    }
}
