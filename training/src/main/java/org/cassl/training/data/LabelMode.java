package org.cassl.training.data;

/** How COCO categories become training labels. */
public enum LabelMode {
    /** torchvision's convention: label = COCO category id (index 0 unused). */
    CATEGORY_ID,
    /** Every object is label 1 ("object"): the class-agnostic warmup of CA-SSL. */
    CLASS_AGNOSTIC,
    /** Pseudo-labels keep the teacher's class ({@code teacher_category_id}): the class-aware ablation. */
    TEACHER_CLASS
}
