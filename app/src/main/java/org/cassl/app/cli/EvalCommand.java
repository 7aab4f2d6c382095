package org.cassl.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.coco.eval.CocoEvaluator;
import org.cassl.detection.coco.eval.CocoSummary;
import org.cassl.detection.coco.eval.IouKind;
import org.cassl.training.UserInputException;
import org.cassl.training.eval.ClassAgnostic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cassl eval}: COCO metrics with pycocotools' semantics. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate COCO results against ground truth (pycocotools' 12 summary stats).")
final class EvalCommand implements Callable<Integer> {
    enum Kind { bbox, segm }

    @Option(names = "--gt", required = true, paramLabel = "GT.json", description = "Ground-truth COCO annotation file.")
    Path gt;

    @Option(names = "--dt", required = true, paramLabel = "DT.json", description = "COCO results file (JSON array).")
    Path dt;

    @Option(names = "--iou-type", defaultValue = "bbox", paramLabel = "bbox|segm",
            description = "What to compare: boxes or masks (default: ${DEFAULT-VALUE}).")
    Kind iouType;

    @Option(names = "--class-agnostic", paramLabel = "IOU", arity = "0..1", fallbackValue = "0.6",
            description = "Score localisation whatever the class: every ground-truth object and detection becomes one "
                    + "class, after a class-agnostic NMS of each image's detections at this IoU (default 0.6, at most "
                    + "100 per image). Boxes only.")
    Double classAgnostic;

    @Option(names = "--json", description = "Print one JSON line {\"stats\": [...], \"AP\": ..., ...} instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        for (Path p : List.of(gt, dt)) {
            if (!Files.isRegularFile(p)) {
                throw new UserInputException("file not found: " + p);
            }
        }
        CocoDataset gtData = CocoReader.read(gt);
        List<CocoAnnotation> results = CocoReader.readResults(dt);
        if (classAgnostic != null) {
            if (iouType == Kind.segm) {
                throw new UserInputException("--class-agnostic scores boxes only; drop --iou-type segm");
            }
            if (!(classAgnostic > 0 && classAgnostic <= 1)) {
                throw new UserInputException("--class-agnostic " + classAgnostic + " is invalid; expected an IoU in (0, 1]");
            }
            gtData = ClassAgnostic.groundTruth(gtData);
            results = ClassAgnostic.detections(results, classAgnostic, 100);
        }
        CocoSummary summary = evaluate(gtData, results, iouType == Kind.segm ? IouKind.SEGM : IouKind.BBOX, dt.toString());
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(toJson(summary)));
        } else {
            System.out.print(summary.text());
        }
        return 0;
    }

    static CocoSummary evaluate(CocoDataset gt, List<CocoAnnotation> results, IouKind type, String source) {
        CocoEvaluator ev = CocoEvaluator.forResults(gt, results, type, source);
        ev.evaluate();
        return ev.accumulate().summarize();
    }

    /** {@code {"stats": [12], "AP": ..., ...}}. */
    static Map<String, Object> toJson(CocoSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stats", s.stats());
        for (int i = 0; i < CocoSummary.NAMES.size(); i++) {
            m.put(CocoSummary.NAMES.get(i), s.stats()[i]);
        }
        return m;
    }
}
