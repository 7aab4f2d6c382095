package org.cassl.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightEmaTest {

    private static void setAll(TrainerTest.Model m, double v) {
        m.fc.weight().data().fill(v);
        m.stateDict().get("fc.bias").fill(v);
    }

    @Test
    void updateFollowsTheRampedDecayWithKnownNumbers() {
        TrainerTest.Model m = new TrainerTest.Model();
        setAll(m, 1);
        WeightEma ema = new WeightEma(m, 0.5);
        assertEquals(2.0 / 11, ema.decayAt(1), 1e-12, "ramp (1+t)/(10+t) below the decay");
        assertEquals(0.5, ema.decayAt(100), 1e-12, "capped at the decay");
        setAll(m, 3);
        ema.update(1); // 2/11 * 1 + 9/11 * 3 = 29/11
        assertEquals(29.0 / 11, ema.state().get("fc.weight").getDouble(0, 1), 1e-6);
        setAll(m, 5);
        ema.update(100); // 0.5 * 29/11 + 0.5 * 5
        double expected = 0.5 * 29.0 / 11 + 2.5;
        assertEquals(expected, ema.state().get("fc.weight").getDouble(0, 2), 1e-6);
        assertEquals(expected, ema.state().get("fc.bias").getDouble(0), 1e-6);
        assertEquals(5.0, m.fc.weight().data().getDouble(0, 0), 0, "the live weights are untouched");

        Map<String, Tensor> live = ema.swapIn();
        assertEquals(expected, m.fc.weight().data().getDouble(0, 0), 1e-6, "swapIn loads the average");
        assertEquals(5.0, live.get("fc.weight").getDouble(0, 0), 0, "and returns the live weights");
    }

    @Test
    void decayOutsideTheOpenUnitIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WeightEma(new TrainerTest.Model(), 1.0));
        assertThrows(IllegalArgumentException.class, () -> TrainerTest.opts().withEmaDecay(-0.1));
    }

    @Test
    void trainerEndsWithTheAverageAndResumesItExactly(@TempDir Path dir) {
        TrainOptions o = TrainerTest.opts().withEmaDecay(0.9);
        TrainerTest.Model plain = new TrainerTest.Model();
        new Trainer<>("t", plain, TrainerTest.DATA, TrainerTest.loss(plain, false), TrainerTest.opts(), dir.resolve("plain"),
                "fp").run(false);
        TrainerTest.Model full = new TrainerTest.Model();
        TrainOutcome done = new Trainer<>("t", full, TrainerTest.DATA, TrainerTest.loss(full, false), o, dir.resolve("full"),
                "fp").run(false);
        assertEquals(TrainOutcome.Status.COMPLETED, done.status());
        // same seed and data: the EMA run's final weights are the average, not the last step's
        double diff = Math.abs(full.fc.weight().data().getDouble(0, 0) - plain.fc.weight().data().getDouble(0, 0));
        assertTrue(diff > 1e-6, "the averaged weights differ from the plain run's: " + diff);
        // and still near the solution w = (2, -1, 0.5)
        assertEquals(2.0, full.fc.weight().data().getDouble(0, 0), 0.3);

        TrainerTest.Model a = new TrainerTest.Model();
        CancellationToken token = new CancellationToken();
        new Trainer<>("t", a, TrainerTest.DATA, TrainerTest.loss(a, false), o, dir.resolve("split"), "fp")
                .cancellation(token).addListener(new TrainingListener() {
                    @Override
                    public void onIteration(IterationRecord r) {
                        if (r.iteration() == 13) {
                            token.cancel();
                        }
                    }
                }).run(false);
        TrainerTest.Model b = new TrainerTest.Model();
        TrainOutcome r = new Trainer<>("t", b, TrainerTest.DATA, TrainerTest.loss(b, false), o, dir.resolve("split"), "fp")
                .run(true);
        assertEquals(TrainOutcome.Status.COMPLETED, r.status());
        for (Map.Entry<String, Tensor> e : full.stateDict().entrySet()) {
            TensorAssert.assertEqual(e.getValue(), b.stateDict().get(e.getKey()), e.getKey());
        }
    }

    @Test
    void optionsJsonOmitsTheDecayWhenOff() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertFalse(json.valueToTree(TrainerTest.opts()).has("emaDecay"), "fingerprints without EMA stay as before");
        assertEquals(0.99, json.valueToTree(TrainerTest.opts().withEmaDecay(0.99)).get("emaDecay").asDouble(), 0);
    }
}
