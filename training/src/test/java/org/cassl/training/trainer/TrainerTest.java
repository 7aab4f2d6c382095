package org.cassl.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cassl.autograd.Variable;
import org.cassl.nn.Module;
import org.cassl.nn.layers.Linear;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.cassl.training.checkpoint.CheckpointStore;
import org.cassl.training.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    /** y = x . w + noise drawn from the sample generator (so augmentation randomness is exercised). */
    record Sample(float[] x, float y) {
    }

    static final Dataset<Sample> DATA = new Dataset<>() {
        @Override
        public int size() {
            return 37;
        }

        @Override
        public Sample get(int index, Generator rng) {
            Generator g = new Generator(index);
            float[] x = {(float) g.nextGaussian(), (float) g.nextGaussian(), (float) g.nextGaussian()};
            float y = 2 * x[0] - x[1] + 0.5f * x[2] + 0.05f * (float) rng.nextGaussian();
            return new Sample(x, y);
        }
    };

    static final class Model extends Module {
        final Linear fc = registerModule("fc", new Linear(3, 1, true, new Generator(1)));
    }

    static LossFunction<Sample> loss(Model m, boolean poison) {
        return (batch, rng) -> {
            float[] xs = new float[batch.size() * 3];
            float[] ys = new float[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(batch.get(i).x(), 0, xs, 3 * i, 3);
                ys[i] = batch.get(i).y();
            }
            Variable pred = m.fc.forward(Variable.of(Tensor.of(xs, batch.size(), 3)));
            Variable d = pred.sub(Variable.of(Tensor.of(ys, batch.size(), 1)));
            Variable mse = d.mul(d).mean();
            // a dropout-like use of the step generator, so resume must reproduce it
            Variable reg = pred.mean().mul(rng.nextDouble() * 1e-3);
            if (poison) {
                reg = reg.mul(Double.NaN);
            }
            return Map.of("mse", mse, "reg", reg);
        };
    }

    static TrainOptions opts() {
        return new TrainOptions(40, 4, 0.02, 0.9, 1e-4, "sgd", 0, 0.001, "constant", 10.0, 0, 2, 4, 5, 5, 2, 0);
    }

    @Test
    void cancelledRunResumesToTheSameWeights(@TempDir Path dir) {
        Model full = new Model();
        TrainOutcome o = new Trainer<>("t", full, DATA, loss(full, false), opts(), dir.resolve("full"), "fp").run(false);
        assertEquals(TrainOutcome.Status.COMPLETED, o.status());

        Model a = new Model();
        CancellationToken token = new CancellationToken();
        Trainer<Sample> t1 = new Trainer<>("t", a, DATA, loss(a, false), opts(), dir.resolve("split"), "fp")
                .cancellation(token).addListener(new TrainingListener() {
                    @Override
                    public void onIteration(IterationRecord r) {
                        if (r.iteration() == 17) {
                            token.cancel();
                        }
                    }
                });
        TrainOutcome c = t1.run(false);
        assertEquals(TrainOutcome.Status.CANCELLED, c.status());
        assertEquals(17, c.iterations());

        Model b = new Model();
        TrainOutcome r = new Trainer<>("t", b, DATA, loss(b, false), opts(), dir.resolve("split"), "fp").run(true);
        assertEquals(TrainOutcome.Status.COMPLETED, r.status());
        for (Map.Entry<String, Tensor> e : full.stateDict().entrySet()) {
            TensorAssert.assertEqual(e.getValue(), b.stateDict().get(e.getKey()), e.getKey());
        }
        List<com.fasterxml.jackson.databind.JsonNode> lines = MetricsLog.read(dir.resolve("split/metrics.jsonl"));
        assertEquals(8, lines.size(), "one line per 5 iterations, no duplicates after resume");
        double first = lines.get(0).get("mse").asDouble();
        double last = lines.get(7).get("mse").asDouble();
        assertTrue(last < first / 3, "the model learns: mse " + first + " -> " + last);
    }

    @Test
    void nonFiniteLossStopsWithIterationAndKeepsCheckpoint(@TempDir Path dir) {
        Model m = new Model();
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> new Trainer<>("t", m, DATA, loss(m, true), opts(), dir, "fp").run(false));
        assertTrue(e.getMessage().contains("iteration 1") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void resumeFromAnotherConfigurationIsRefused(@TempDir Path dir) throws Exception {
        Model m = new Model();
        new Trainer<>("t", m, DATA, loss(m, false), opts().withIterations(5), dir, "fp-a").run(false);
        assertTrue(Files.isDirectory(new CheckpointStore(dir, 2).list().get(0)));
        Model m2 = new Model();
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> new Trainer<>("t", m2, DATA, loss(m2, false), opts(), dir, "fp-b").run(true));
        assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
    }
}
