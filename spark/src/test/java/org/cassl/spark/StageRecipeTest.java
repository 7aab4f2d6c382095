package org.cassl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoReader;
import org.cassl.training.data.Augmentation;
import org.cassl.training.data.LabelMode;
import org.cassl.training.model.BackboneWeights;
import org.cassl.training.pipeline.TrainSpec;
import org.cassl.training.trainer.TrainOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's spec survives the trip to an executor (Java serialization, as Spark ships closures) unchanged. */
class StageRecipeTest {
    @TempDir
    Path dir;

    static StageRecipe roundTrip(StageRecipe r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(r);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (StageRecipe) in.readObject();
        }
    }

    @Test
    void everyFieldComesBack() throws Exception {
        SparkTrainTest.data(dir);
        Path ann = dir.resolve("ann.json");
        FcosConfig model = FcosConfig.parse(SparkTrainTest.CONFIG).withNumClasses(2);
        TrainOptions options = TrainOptions.recipe(7, 4, 0.02, "adamw", "cosine", 2, 1e-3, 11, 1, 3, 5);
        BackboneWeights.Plan plan = new BackboneWeights.Plan(dir.resolve("r18.pth"), true, "config", 3, "pretrained");
        TrainSpec s = new TrainSpec("warmup-agnostic", model, CocoReader.read(ann), dir.resolve("img"), LabelMode.CLASS_AGNOSTIC,
                new Augmentation(0.5, 0.25, 0.75, 0.1, 0.2, 0.3), CocoReader.read(ann), dir.resolve("img"), null, false, options,
                dir.resolve("out"), plan);
        TrainSpec back = roundTrip(StageRecipe.of(s)).spec();
        assertEquals(s.stage(), back.stage());
        assertEquals(s.model().toJson(), back.model().toJson());
        assertEquals(s.train().source(), back.train().source());
        assertEquals(s.train().images().size(), back.train().images().size());
        assertEquals(s.trainImages(), back.trainImages());
        assertEquals(s.labels(), back.labels());
        assertEquals(s.augmentation(), back.augmentation());
        assertEquals(s.val().source(), back.val().source());
        assertEquals(s.valImages(), back.valImages());
        assertNull(back.init());
        assertEquals(s.options(), back.options());
        assertEquals(s.out(), back.out());
        assertEquals(s.backbone(), back.backbone());

        TrainSpec fineTune = new TrainSpec("finetune-agnostic", model, CocoReader.read(ann), dir.resolve("img"),
                LabelMode.CATEGORY_ID, Augmentation.standard(), null, null, dir.resolve("w.safetensors"), true, options,
                dir.resolve("ft"));
        TrainSpec ft = roundTrip(StageRecipe.of(fineTune)).spec();
        assertEquals(fineTune.init(), ft.init());
        assertEquals(true, ft.reinitClassLogits());
        assertNull(ft.val());
        assertNull(ft.backbone());
        assertEquals(fineTune.augmentation(), ft.augmentation());
        Files.delete(ann);
        org.junit.jupiter.api.Assertions.assertThrows(org.cassl.training.UserInputException.class,
                () -> roundTrip(StageRecipe.of(fineTune)).spec(), "an annotation file the executor cannot see: one clear line");
    }
}
