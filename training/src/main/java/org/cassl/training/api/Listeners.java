package org.cassl.training.api;

import java.util.List;
import java.util.Map;
import org.cassl.training.trainer.IterationRecord;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.TrainingListener;

/** The API's listeners as the trainer's, one stage at a time. */
final class Listeners implements TrainingListener {
    private final List<JobListener> targets;
    private String stage = "";

    Listeners(List<JobListener> targets) {
        this.targets = List.copyOf(targets);
    }

    List<JobListener> targets() {
        return targets;
    }

    @Override
    public void onStart(String stage, long startIteration, long total) {
        this.stage = stage;
        targets.forEach(l -> l.onStart(stage, startIteration, total));
    }

    @Override
    public void onIteration(IterationRecord r) {
        IterationProgress p = new IterationProgress(stage, r.iteration(), r.total(), r.lr(), r.losses(), r.loss(),
                r.secondsPerIteration(), r.imagesPerSecond());
        targets.forEach(l -> l.onIteration(p));
    }

    @Override
    public void onEvaluation(long iteration, Map<String, Double> metrics) {
        Map<String, Double> m = Map.copyOf(metrics);
        targets.forEach(l -> l.onMetrics(stage, iteration, m));
    }

    @Override
    public void onEnd(TrainOutcome outcome) {
        JobResult.Status s = outcome.status() == TrainOutcome.Status.CANCELLED ? JobResult.Status.CANCELLED
                : JobResult.Status.COMPLETED;
        targets.forEach(l -> l.onFinish(stage, s, outcome.message()));
    }

    void stage(String name, String description) {
        targets.forEach(l -> l.onStage(name, description));
    }

    void images(int done, int total) {
        targets.forEach(l -> l.onImagesLabeled(done, total));
    }
}
