package org.cassl.training.api;

/** What COCO evaluation compares: boxes or masks. */
public enum IouType {
    /** Box IoU ({@code iouType="bbox"}). */
    BBOX,
    /** Mask IoU ({@code iouType="segm"}); detections need masks. */
    SEGM;

    org.cassl.detection.coco.eval.IouKind internal() {
        return this == BBOX ? org.cassl.detection.coco.eval.IouKind.BBOX : org.cassl.detection.coco.eval.IouKind.SEGM;
    }
}
