package org.cassl.detection.fcos;

import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.Detections;
import org.cassl.detection.box.BoxLinearCoder;
import org.cassl.detection.box.Boxes;
import org.cassl.detection.box.Nms;
import org.cassl.tensor.DType;
import org.cassl.tensor.ShapeMismatchException;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.TensorException;

/**
 * torchvision's {@code FCOS.postprocess_detections}: per image and level, the score of every
 * (point, class) is {@code sqrt(sigmoid(cls) * sigmoid(ctr))}; scores strictly above
 * {@code scoreThresh} are kept, the best {@code min(topkCandidates, kept)} of them decoded against
 * their anchors and clipped to the resized image; the levels are concatenated, class-aware NMS
 * runs at {@code nmsThresh} and the first {@code detectionsPerImg} survivors are returned. Boxes
 * are in the coordinates of the resized (unpadded) image.
 */
public final class FcosPostProcessor {
    private final double scoreThresh;
    private final double nmsThresh;
    private final int detectionsPerImg;
    private final int topkCandidates;
    private final BoxLinearCoder coder = new BoxLinearCoder(true);

    public FcosPostProcessor(double scoreThresh, double nmsThresh, int detectionsPerImg, int topkCandidates) {
        if (detectionsPerImg < 1 || topkCandidates < 1) {
            throw new TensorException("FcosPostProcessor: detections per image (" + detectionsPerImg
                    + ") and top-k candidates (" + topkCandidates + ") must be positive");
        }
        this.scoreThresh = scoreThresh;
        this.nmsThresh = nmsThresh;
        this.detectionsPerImg = detectionsPerImg;
        this.topkCandidates = topkCandidates;
    }

    /**
     * Detections per image.
     *
     * @param clsLogits  {@code [N, P, K]}
     * @param boxCodes   {@code [N, P, 4]}
     * @param ctrLogits  {@code [N, P, 1]}
     * @param anchors    the batch's anchors ({@code P} points)
     * @param imageSizes N {@code {height, width}} of the resized images (boxes are clipped to them)
     */
    public List<Detections> apply(Tensor clsLogits, Tensor boxCodes, Tensor ctrLogits, Anchors anchors,
                                  List<int[]> imageSizes) {
        return applyWithPoints(clsLogits, boxCodes, ctrLogits, anchors, imageSizes).detections();
    }

    /**
     * Detections and, per image, the point each detection came from.
     *
     * @param detections per image, as {@link #apply}
     * @param points     per image {@code [D]} I64 indices into the batch's {@code P} points (levels
     *                   concatenated), aligned with the detections; mask heads read per-point outputs there
     */
    public record Result(List<Detections> detections, List<Tensor> points) {
    }

    /** {@link #apply} that also reports each detection's point. */
    public Result applyWithPoints(Tensor clsLogits, Tensor boxCodes, Tensor ctrLogits, Anchors anchors,
                                  List<int[]> imageSizes) {
        int n = clsLogits.size(0);
        int p = clsLogits.size(1);
        if (clsLogits.dim() != 3 || boxCodes.size(0) != n || ctrLogits.size(0) != n || boxCodes.size(1) != p
                || ctrLogits.size(1) != p || p != anchors.numPoints() || imageSizes.size() != n) {
            throw new ShapeMismatchException("FcosPostProcessor: inconsistent inputs: cls "
                    + java.util.Arrays.toString(clsLogits.shape()) + ", reg " + java.util.Arrays.toString(boxCodes.shape())
                    + ", ctr " + java.util.Arrays.toString(ctrLogits.shape()) + ", " + anchors.numPoints() + " anchors, "
                    + imageSizes.size() + " image sizes");
        }
        int[] counts = anchors.pointsPerLevel();
        List<Tensor> levelAnchors = anchors.perLevel();
        List<Detections> out = new ArrayList<>();
        List<Tensor> outPoints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Tensor> cls = clsLogits.select(0, i).split(counts, 0);
            List<Tensor> reg = boxCodes.select(0, i).split(counts, 0);
            List<Tensor> ctr = ctrLogits.select(0, i).split(counts, 0);
            List<Tensor> boxes = new ArrayList<>();
            List<Tensor> scores = new ArrayList<>();
            List<Tensor> labels = new ArrayList<>();
            List<Tensor> points = new ArrayList<>();
            int offset = 0;
            for (int l = 0; l < counts.length; l++) {
                Tensor[] level = level(cls.get(l), reg.get(l), ctr.get(l), levelAnchors.get(l), imageSizes.get(i));
                boxes.add(level[0]);
                scores.add(level[1]);
                labels.add(level[2]);
                points.add(level[3].add(offset));
                offset += counts[l];
            }
            Tensor allBoxes = Tensor.cat(boxes, 0);
            Tensor allScores = Tensor.cat(scores, 0);
            Tensor allLabels = Tensor.cat(labels, 0);
            Tensor keep = Nms.batchedNms(allBoxes, allScores, allLabels, nmsThresh);
            keep = keep.slice(0, 0, Math.min(detectionsPerImg, keep.size(0)));
            out.add(new Detections(allBoxes.indexSelect(0, keep), allScores.indexSelect(0, keep),
                    allLabels.indexSelect(0, keep)));
            outPoints.add(Tensor.cat(points, 0).indexSelect(0, keep));
        }
        return new Result(out, outPoints);
    }

    /** Boxes {@code [M, 4]}, scores {@code [M]}, labels {@code [M]} (I64) and points {@code [M]} (I64, within the level) of one level, best first. */
    private Tensor[] level(Tensor logits, Tensor codes, Tensor ctr, Tensor levelAnchors, int[] imageSize) {
        int k = logits.size(1);
        Tensor scores = logits.sigmoid().mul(ctr.sigmoid()).sqrt().reshape(-1);
        Tensor candidates = Boxes.whereTrue(scores.gt(scoreThresh));
        Tensor kept = scores.indexSelect(0, candidates);
        int topk = Math.min(topkCandidates, kept.size(0));
        var best = kept.topk(topk, 0, true);
        Tensor flat = candidates.indexSelect(0, best.indices());
        Tensor points = flat.floorDiv(k);
        Tensor labels = flat.remainder(k);
        Tensor boxes = coder.decode(codes.indexSelect(0, points), levelAnchors.indexSelect(0, points));
        boxes = Boxes.clipToImage(boxes, imageSize[0], imageSize[1]);
        return new Tensor[] {boxes, best.values(), labels.to(DType.I64), points.to(DType.I64)};
    }
}
