package org.cassl.detection.coco.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.junit.jupiter.api.Test;

/**
 * The pycocotools fixture ({@code shared/fixtures/coco-eval/set1}): polygon ground truth,
 * uncompressed-RLE crowd regions, images without objects, compressed-RLE and box detections with
 * tied scores. Every one of the 12 stats must match pycocotools to 1e-4.
 */
class CocoEvalFixtureTest {
    private static final String DIR = "/coco/set1/";

    private static InputStream resource(String name) {
        InputStream in = CocoEvalFixtureTest.class.getResourceAsStream(DIR + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + DIR + name);
        }
        return in;
    }

    private static double[] expected(String iouType) throws IOException {
        try (InputStream in = resource("expected.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            JsonNode arr = root.get(iouType);
            assertEquals(12, arr.size());
            List<String> order = List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");
            for (int i = 0; i < 12; i++) {
                assertEquals(order.get(i), root.get("stats_order").get(i).asText());
            }
            double[] out = new double[12];
            for (int i = 0; i < 12; i++) {
                out[i] = arr.get(i).asDouble();
            }
            return out;
        }
    }

    private static CocoSummary run(String dtFile, IouKind type) throws IOException {
        CocoDataset gt;
        try (InputStream in = resource("gt.json")) {
            gt = CocoReader.read(in, "gt.json");
        }
        List<CocoAnnotation> dt;
        try (InputStream in = resource(dtFile)) {
            dt = CocoReader.readResults(in, dtFile);
        }
        return CocoEvaluator.forResults(gt, dt, type, dtFile).accumulate().summarize();
    }

    private static void check(String iouType, CocoSummary s) throws IOException {
        double[] want = expected(iouType);
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            report.append(String.format("%-6s %.10f %.10f %.2e%n", CocoSummary.NAMES.get(i), s.stats()[i], want[i],
                    Math.abs(s.stats()[i] - want[i])));
        }
        System.out.println(iouType + " (stat, ours, pycocotools, |diff|):\n" + report);
        for (int i = 0; i < 12; i++) {
            assertEquals(want[i], s.stats()[i], 1e-4, iouType + " " + CocoSummary.NAMES.get(i) + "\n" + report);
        }
    }

    @Test
    void bboxMatchesPycocotools() throws IOException {
        CocoSummary s = run("dt_bbox.json", IouKind.BBOX);
        check("bbox", s);
        assertTrue(s.text().startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.103\n"),
                s.text());
    }

    @Test
    void segmMatchesPycocotools() throws IOException {
        check("segm", run("dt_segm.json", IouKind.SEGM));
    }
}
