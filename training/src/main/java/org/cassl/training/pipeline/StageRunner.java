package org.cassl.training.pipeline;

import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.nn.Weights;
import org.cassl.tensor.Device;
import org.cassl.training.trainer.CancellationToken;
import org.cassl.training.trainer.TrainOutcome;
import org.cassl.training.trainer.TrainingListener;

/**
 * How {@link CaSslPipeline} runs its two heavy steps: training one stage and pseudo-labelling the
 * unlabeled images. The pipeline decides what runs, in which order, from which weights and into
 * which folder; a runner only decides where. {@link #LOCAL} runs both in this JVM (what
 * {@code cassl ca-ssl} does); the Spark front end runs them as a data-parallel barrier stage and a
 * distributed labelling job, writing the same files.
 */
public interface StageRunner {
    /**
     * Trains (or resumes, or recognises as finished) one stage into {@code spec.out()}, leaving a
     * finished run folder ({@code model.safetensors}, {@code eval.json}) when it completes.
     *
     * @param spec         the stage
     * @param device       the pipeline's device
     * @param cancellation the pipeline's cancellation token
     * @param listener     progress of the stage (a runner may report less than the local one)
     * @return the outcome; {@link TrainOutcome#finalMetrics()} are the validation metrics of a completed stage
     */
    TrainOutcome train(TrainSpec spec, Device device, CancellationToken cancellation, TrainingListener listener);

    /**
     * Labels {@code step.images()} with the teacher of {@code step.teacherRun()} and writes the COCO
     * file {@code step.out()} (atomically: it exists only when complete).
     *
     * @param step     what to label and where
     * @param progress images done so far (a runner may report only the end)
     */
    void pseudoLabel(PseudoLabelStep step, IntConsumer progress);

    /**
     * One pseudo-labelling step of the pipeline.
     *
     * @param teacherRun the teacher's finished run folder ({@code config.json}, {@code model.safetensors})
     * @param teacher    the teacher's model config (as trained)
     * @param options    tau, NMS, cap, batch size
     * @param images     the unlabeled images, in manifest order
     * @param out        the COCO file to write
     * @param device     the pipeline's device
     */
    record PseudoLabelStep(Path teacherRun, FcosConfig teacher, PseudoLabelOptions options, UnlabeledImages images, Path out,
                           Device device) {
        /** The teacher's weights file. */
        public Path weights() {
            return TrainRun.weightsOf(teacherRun);
        }
    }

    /** Both steps in this JVM, on the pipeline's device. */
    StageRunner LOCAL = new StageRunner() {
        @Override
        public TrainOutcome train(TrainSpec spec, Device device, CancellationToken cancellation, TrainingListener listener) {
            return new TrainRun(spec).device(device).cancellation(cancellation).listener(listener).run(true);
        }

        @Override
        public void pseudoLabel(PseudoLabelStep step, IntConsumer progress) {
            FcosConfig cfg = step.teacher().scoreThresh() > step.options().tau()
                    ? step.teacher().withScoreThresh(step.options().tau()) : step.teacher();
            Fcos teacher = Fcos.forLoading(cfg);
            Weights.loadInto(teacher, step.weights(), true);
            teacher.to(step.device());
            new PseudoLabeler(teacher, step.options(), step.weights().toString()).run(step.images(), step.out(), progress);
        }
    };
}
