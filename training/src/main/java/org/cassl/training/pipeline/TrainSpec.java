package org.cassl.training.pipeline;

import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.training.data.Augmentation;
import org.cassl.training.data.LabelMode;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.trainer.TrainOptions;

/**
 * Everything one training stage needs.
 *
 * @param stage          name for logs ("baseline", "warmup", ...)
 * @param model          model config (its num_classes must fit the labels)
 * @param train          training annotations
 * @param trainImages    folder the training file names are relative to
 * @param labels         how categories become labels
 * @param augmentation   per-sample augmentation
 * @param val            validation annotations, or null
 * @param valImages      validation image folder, or null
 * @param init           weights to start from (safetensors, torchvision names), or null for a fresh init
 * @param reinitClassLogits start from {@code init} except the class-specific layers (FCOS class logits, RoI mask logits), which are
 *                          freshly initialised (stage 3 of CA-SSL, where the class count changes)
 * @param options        the optimisation recipe
 * @param out            the run folder
 * @param backbone       ImageNet weights for the backbone body of a fresh init (and which backbone
 *                       rules applied), or null; never together with {@code init}
 */
public record TrainSpec(String stage, FcosConfig model, CocoDataset train, Path trainImages, LabelMode labels,
                        Augmentation augmentation, CocoDataset val, Path valImages, Path init, boolean reinitClassLogits,
                        TrainOptions options, Path out, BackboneWeights.Plan backbone) {
    public TrainSpec {
        if (init != null && backbone != null) {
            throw new IllegalArgumentException("initial weights and backbone weights exclude each other");
        }
    }

    /** A spec without backbone weights. */
    public TrainSpec(String stage, FcosConfig model, CocoDataset train, Path trainImages, LabelMode labels,
                     Augmentation augmentation, CocoDataset val, Path valImages, Path init, boolean reinitClassLogits,
                     TrainOptions options, Path out) {
        this(stage, model, train, trainImages, labels, augmentation, val, valImages, init, reinitClassLogits, options, out,
                null);
    }
}
