package org.cassl.training.api;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.IntConsumer;
import org.cassl.training.trainer.IterationRecord;
import org.cassl.training.trainer.ProgressBarListener;
import org.cassl.training.trainer.TrainOutcome;

/** {@link JobListener#progressBar()}: the command line's {@link ProgressBarListener} behind the API's listener. */
final class ProgressBarJobListener implements JobListener {
    private final PrintStream stream;
    private ProgressBarListener bar;
    private IntConsumer images;

    ProgressBarJobListener(PrintStream stream) {
        this.stream = stream;
    }

    @Override
    public void onStart(String stage, long startIteration, long totalIterations) {
        bar = new ProgressBarListener(stream);
        bar.onStart(stage, startIteration, totalIterations);
    }

    @Override
    public void onIteration(IterationProgress p) {
        if (bar != null) {
            bar.onIteration(new IterationRecord(p.iteration(), p.totalIterations(), p.learningRate(), p.losses(), p.loss(),
                    p.secondsPerIteration(), p.imagesPerSecond(), Double.NaN));
        }
    }

    @Override
    public void onMetrics(String stage, long iteration, Map<String, Double> metrics) {
        if (bar != null) {
            bar.onEvaluation(iteration, metrics);
        }
    }

    @Override
    public void onImagesLabeled(int done, int total) {
        if (images == null) {
            images = ProgressBarListener.images("pseudo-label", total, stream);
        }
        images.accept(done);
        if (done >= total) {
            images = null;
        }
    }

    @Override
    public void onFinish(String stage, JobResult.Status status, String message) {
        if (bar != null) {
            bar.onEnd(new TrainOutcome(status == JobResult.Status.COMPLETED ? TrainOutcome.Status.COMPLETED
                    : TrainOutcome.Status.CANCELLED, 0, null, Map.of(), message));
            bar = null;
        }
    }
}
