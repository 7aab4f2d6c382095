package org.cassl.detection.coco.eval;

/** What COCO evaluation compares: boxes ({@code bbox}) or masks ({@code segm}). */
public enum IouKind {
    BBOX("bbox"),
    SEGM("segm");

    private final String cocoName;

    IouKind(String cocoName) {
        this.cocoName = cocoName;
    }

    /** pycocotools' name for it ({@code "bbox"} or {@code "segm"}). */
    public String cocoName() {
        return cocoName;
    }

    /** Parses {@code "bbox"} or {@code "segm"} (case-insensitive). */
    public static IouKind parse(String name) {
        for (IouKind t : values()) {
            if (t.cocoName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown iou type '" + name + "', expected bbox or segm");
    }
}
