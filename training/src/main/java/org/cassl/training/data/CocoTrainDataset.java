package org.cassl.training.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cassl.detection.Target;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.mask.Masks;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Dataset;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;

/**
 * A COCO annotation file plus its image folder as training samples: decoded images, boxes in xyxy
 * pixels, labels by {@link LabelMode}, optional instance masks, augmented per sample. Crowd
 * annotations and degenerate boxes are left out and boxes are clipped to the image (as
 * torchvision's reference {@code ConvertCocoPolysToMask} does), so a box lying wholly outside its
 * image is dropped and its mask, rasterised with pycocotools' clipping, never reaches the model;
 * images without annotations stay in as pure background. Segmentations pycocotools cannot
 * rasterise (polygons under 3 points, RLE of another size than the image) fail with a
 * {@link org.cassl.detection.coco.CocoFormatException} naming the annotation id.
 */
public final class CocoTrainDataset implements Dataset<DetectionSample> {
    private final CocoDataset coco;
    private final DatasetRoot root;
    private final LabelMode mode;
    private final boolean withMasks;
    private final Augmentation augmentation;
    private final List<CocoImage> images;
    private final List<List<CocoAnnotation>> annotations = new ArrayList<>();

    /**
     * @param numClasses the model's {@code num_classes}; labels must be below it
     */
    public CocoTrainDataset(CocoDataset coco, DatasetRoot root, LabelMode mode, boolean withMasks, Augmentation augmentation,
                            int numClasses) {
        this.coco = coco;
        this.root = root;
        this.mode = mode;
        this.withMasks = withMasks;
        this.augmentation = augmentation;
        this.images = coco.images();
        if (images.isEmpty()) {
            throw new UserInputException(coco.source() + " has no images");
        }
        List<String> missing = new ArrayList<>();
        for (CocoImage im : images) {
            Path p = root.resolve(im.fileName());
            if (!Files.isRegularFile(p)) {
                missing.add(im.fileName());
            }
            List<CocoAnnotation> keep = new ArrayList<>();
            for (CocoAnnotation a : coco.annotationsForImage(im.id())) {
                if (a.isCrowd() || a.bbox() == null || clipped(a.bbox().toXyxy(), im.width(), im.height()) == null) {
                    continue;
                }
                long label = label(a);
                if (label < 1 || label >= numClasses) {
                    throw new UserInputException(coco.source() + ": annotation " + a.id() + " has label " + label
                            + " but the model has num_classes " + numClasses + " (labels 1.." + (numClasses - 1) + ")");
                }
                keep.add(a);
            }
            annotations.add(keep);
        }
        if (!missing.isEmpty()) {
            throw new UserInputException(coco.source() + " references " + missing.size() + " image(s) missing from "
                    + root.path() + ", e.g. " + missing.subList(0, Math.min(3, missing.size())));
        }
    }

    /**
     * The box clipped to a {@code width x height} image (no clipping where a size is unknown, i.e.
     * not positive), or null when nothing of positive width and height is left.
     */
    static double[] clipped(double[] xyxy, int width, int height) {
        double[] b = xyxy.clone();
        if (width > 0) {
            b[0] = Math.min(Math.max(b[0], 0), width);
            b[2] = Math.min(Math.max(b[2], 0), width);
        }
        if (height > 0) {
            b[1] = Math.min(Math.max(b[1], 0), height);
            b[3] = Math.min(Math.max(b[3], 0), height);
        }
        return b[2] > b[0] && b[3] > b[1] ? b : null;
    }

    long label(CocoAnnotation a) {
        switch (mode) {
            case CLASS_AGNOSTIC:
                return 1;
            case TEACHER_CLASS:
                return a.extraLong("teacher_category_id", a.categoryId());
            default:
                return a.categoryId();
        }
    }

    @Override
    public int size() {
        return images.size();
    }

    public CocoImage image(int index) {
        return images.get(index);
    }

    public CocoDataset coco() {
        return coco;
    }

    @Override
    public DetectionSample get(int index, Generator rng) {
        CocoImage info = images.get(index);
        RgbImage im = Images.read(root.resolve(info.fileName()));
        int h = im.height();
        int w = im.width();
        List<CocoAnnotation> anns = annotations.get(index);
        List<CocoAnnotation> inside = new ArrayList<>(anns.size());
        for (CocoAnnotation a : anns) {
            if (clipped(a.bbox().toXyxy(), w, h) != null) {
                inside.add(a);
            }
        }
        int g = inside.size();
        float[] boxes = new float[g * 4];
        long[] labels = new long[g];
        byte[] masks = withMasks ? new byte[g * h * w] : null;
        for (int i = 0; i < g; i++) {
            CocoAnnotation a = inside.get(i);
            double[] xyxy = clipped(a.bbox().toXyxy(), w, h);
            for (int k = 0; k < 4; k++) {
                boxes[4 * i + k] = (float) xyxy[k];
            }
            labels[i] = label(a);
            if (withMasks) {
                byte[] m = a.segmentation() != null ? Masks.toRle(a, h, w).decode()
                        : Masks.toRle(Masks.boxPolygon(a.bbox().x(), a.bbox().y(), a.bbox().width(), a.bbox().height()), h, w,
                                "annotation " + a.id()).decode();
                System.arraycopy(m, 0, masks, i * h * w, h * w);
            }
        }
        im = augmentation.applyGeometry(im, boxes, masks, rng);
        augmentation.jitter(im, rng);
        Tensor maskTensor = masks == null ? null : Tensor.of(masks, DType.U8, g, im.height(), im.width());
        return new DetectionSample(info.id(), im.toTensor(),
                new Target(Tensor.of(boxes, g, 4), Tensor.of(labels, g), maskTensor));
    }
}
