package org.cassl.training.pipeline;

import java.nio.file.Path;
import java.util.List;
import org.cassl.detection.FcosConfig;
import org.cassl.training.data.Augmentation;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.trainer.TrainOptions;

/**
 * The whole CA-SSL experiment (specs/ca-ssl.md): stage 1 teacher (= the baseline), pseudo-labels,
 * stage 2 warmup(s) on the unlabeled images, stage 3 fine-tune(s) on the labeled set.
 *
 * @param model           model config for the labeled classes (num_classes = max category id + 1)
 * @param labeledAnn      labeled COCO annotations
 * @param labeledImages   their image folder
 * @param unlabeled       the unlabeled images
 * @param valAnn          validation annotations
 * @param valImages       validation image folder
 * @param out             experiment folder
 * @param teacher         recipe of stage 1 (the baseline)
 * @param warmup          recipe of stage 2
 * @param finetune        recipe of stage 3
 * @param pseudo          pseudo-labelling options
 * @param warmups         which warmups to run (class-agnostic is CA-SSL; class-aware is the ablation)
 * @param augmentation    augmentation for all stages
 * @param backbone        ImageNet backbone weights for every stage that starts fresh (baseline, warmups), or null
 */
public record CaSslConfig(FcosConfig model, Path labeledAnn, Path labeledImages, UnlabeledImages unlabeled, Path valAnn,
                          Path valImages, Path out, TrainOptions teacher, TrainOptions warmup, TrainOptions finetune,
                          PseudoLabelOptions pseudo, List<WarmupMode> warmups, Augmentation augmentation,
                          BackboneWeights.Plan backbone) {
    /** An experiment whose fresh stages start from a random init. */
    public CaSslConfig(FcosConfig model, Path labeledAnn, Path labeledImages, UnlabeledImages unlabeled, Path valAnn,
                       Path valImages, Path out, TrainOptions teacher, TrainOptions warmup, TrainOptions finetune,
                       PseudoLabelOptions pseudo, List<WarmupMode> warmups, Augmentation augmentation) {
        this(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune, pseudo, warmups,
                augmentation, null);
    }
}
