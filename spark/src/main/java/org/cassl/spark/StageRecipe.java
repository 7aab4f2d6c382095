package org.cassl.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoReader;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Augmentation;
import org.cassl.training.data.LabelMode;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.TrainOptions;

/**
 * A {@link TrainSpec} in a form Spark can ship to executors: the model config and the recipe as
 * JSON, the annotation files as the paths they were read from (each replica reads them again, so
 * a data set crosses the network as a path, not as objects). {@link #spec()} rebuilds a spec equal
 * to the original, down to {@code train.json}'s fingerprint, so a replica's run folder is the one the
 * local pipeline writes.
 */
record StageRecipe(String stage, String model, String train, String trainImages, String labels, double[] augmentation,
                   String val, String valImages, String init, boolean reinitClassLogits, String options, String out,
                   String backboneFile, boolean backboneFrozenBn, String backboneFrozenBnFrom, int backboneLayers,
                   String backboneLayersFrom) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The recipe of {@code spec}; its data sets must have been read from files ({@code source()} is their path). */
    static StageRecipe of(TrainSpec s) {
        Augmentation a = s.augmentation();
        BackboneWeights.Plan p = s.backbone();
        try {
            return new StageRecipe(s.stage(), s.model().toJson(), s.train().source(), s.trainImages().toString(),
                    s.labels().name(), new double[] {a.flipProbability(), a.verticalFlipProbability(), a.transposeProbability(),
                            a.brightness(), a.contrast(), a.saturation()},
                    s.val() == null ? null : s.val().source(), s.valImages() == null ? null : s.valImages().toString(),
                    s.init() == null ? null : s.init().toString(), s.reinitClassLogits(), JSON.writeValueAsString(s.options()),
                    s.out().toString(), p == null ? null : p.file().toString(), p != null && p.frozenBn(),
                    p == null ? null : p.frozenBnFrom(), p == null ? 0 : p.trainableLayers(),
                    p == null ? null : p.trainableLayersFrom());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec again (on an executor: the annotation files are read from their paths). */
    TrainSpec spec() {
        try {
            TrainOptions o = JSON.readValue(options, TrainOptions.class);
            BackboneWeights.Plan plan = backboneFile == null ? null : new BackboneWeights.Plan(Path.of(backboneFile),
                    backboneFrozenBn, backboneFrozenBnFrom, backboneLayers, backboneLayersFrom);
            return new TrainSpec(stage, FcosConfig.parse(model), read(train), Path.of(trainImages), LabelMode.valueOf(labels),
                    new Augmentation(augmentation[0], augmentation[1], augmentation[2], augmentation[3], augmentation[4],
                            augmentation[5]),
                    val == null ? null : read(val), valImages == null ? null : Path.of(valImages),
                    init == null ? null : Path.of(init), reinitClassLogits, o, Path.of(out), plan);
        } catch (IOException e) {
            throw new UncheckedIOException("stage " + stage + ": cannot rebuild its recipe: " + e.getMessage(), e);
        }
    }

    private static CocoDataset read(String file) throws IOException {
        Path p = Path.of(file);
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new UserInputException("annotation file not found on this executor: " + file
                    + " (the CA-SSL files must be on a path every executor sees)");
        }
        return CocoReader.read(p);
    }
}
