package org.cassl.training.pipeline;

import org.cassl.training.model.BackboneWeights;
import java.nio.file.Path;
import java.util.List;
import org.cassl.detection.FcosConfig;
import org.cassl.training.data.Augmentation;
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
 * @param baselineLong    control (b): the recipe of a labeled-only model trained as long as warmup plus
 *                        fine-tune, or null to skip it; when it equals {@code teacher} the teacher is reused
 * @param labeledWarmup   control (c): a class-agnostic warmup on the labeled ground truth ({@code warmup}'s
 *                        recipe) followed by the same fine-tune, with no unlabeled data
 * @param testAnn         test annotations every final model is evaluated on (the reported numbers), or null to
 *                        report the validation metrics; validation stays what curves and choices use
 * @param testImages      test image folder, or null
 * @param backbone        ImageNet backbone weights for every stage that starts fresh, or null
 * @param teacherRun      a finished baseline run folder to use as teacher and baseline instead of training one
 *                        (ablations sharing one teacher), or null
 */
public record CaSslConfig(FcosConfig model, Path labeledAnn, Path labeledImages, UnlabeledImages unlabeled, Path valAnn,
                          Path valImages, Path out, TrainOptions teacher, TrainOptions warmup, TrainOptions finetune,
                          PseudoLabelOptions pseudo, List<WarmupMode> warmups, Augmentation augmentation,
                          TrainOptions baselineLong, boolean labeledWarmup, Path testAnn, Path testImages,
                          Path teacherRun, BackboneWeights.Plan backbone) {

    /** The experiment without controls, test split or shared teacher. */
    public CaSslConfig(FcosConfig model, Path labeledAnn, Path labeledImages, UnlabeledImages unlabeled, Path valAnn,
                       Path valImages, Path out, TrainOptions teacher, TrainOptions warmup, TrainOptions finetune,
                       PseudoLabelOptions pseudo, List<WarmupMode> warmups, Augmentation augmentation) {
        this(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune, pseudo, warmups,
                augmentation, null, false, null, null, null, null);
    }

    /** This experiment with the controls: (b) when {@code baselineLong} is not null, (c) when {@code labeledWarmup}. */
    public CaSslConfig withControls(TrainOptions baselineLong, boolean labeledWarmup) {
        return new CaSslConfig(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune,
                pseudo, warmups, augmentation, baselineLong, labeledWarmup, testAnn, testImages, teacherRun, backbone);
    }

    /** This experiment reporting on a test split. */
    public CaSslConfig withTest(Path ann, Path images) {
        return new CaSslConfig(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune,
                pseudo, warmups, augmentation, baselineLong, labeledWarmup, ann, images, teacherRun, backbone);
    }

    /** This experiment taking its teacher and baseline from a finished run folder. */
    public CaSslConfig withTeacherRun(Path run) {
        return new CaSslConfig(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune,
                pseudo, warmups, augmentation, baselineLong, labeledWarmup, testAnn, testImages, run, backbone);
    }

    /**
     * This experiment with an ImageNet backbone for every stage that starts fresh: the baseline
     * and control (b) load it, and the warmups start from the baseline's initial weights, which
     * hold it.
     */
    public CaSslConfig withBackbone(BackboneWeights.Plan plan) {
        return new CaSslConfig(model, labeledAnn, labeledImages, unlabeled, valAnn, valImages, out, teacher, warmup, finetune,
                pseudo, warmups, augmentation, baselineLong, labeledWarmup, testAnn, testImages, teacherRun, plan);
    }
}
