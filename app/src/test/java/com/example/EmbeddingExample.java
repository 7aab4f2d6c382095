package com.example;

import java.nio.file.Path;
import org.cassl.training.api.Detection;
import org.cassl.training.api.Detector;
import org.cassl.training.api.JobListener;
import org.cassl.training.api.JobResult;
import org.cassl.training.api.TrainingJob;

/** Trains a detector on a COCO dataset, then detects objects with it: cassl inside a Java program. */
public class EmbeddingExample {
    public static void main(String[] args) {
        Path config = Path.of(args[0]), data = Path.of(args[1]), run = Path.of(args[2]), image = Path.of(args[3]);
        // cassl train as a library: the CLI's defaults and progress bar; job.cancel() stops it resumably
        TrainingJob job = TrainingJob.builder(config, data.resolve("labeled.json"), data.resolve("labeled"), run)
                .validation(data.resolve("val.json"), data.resolve("val"))
                .listener(JobListener.progressBar())
                .build();
        JobResult result = job.run();
        System.out.printf("AP %.3f, weights %s%n", result.stats("model").ap(), result.weights());
        // cassl detect as a library: one Detector serves concurrent calls from many threads
        try (Detector detector = Detector.builder(config, result.weights()).scoreThreshold(0.05).build()) {
            for (Detection d : detector.detect(image)) {
                System.out.printf("label %d score %.2f %s%n", d.label(), d.score(), d.box());
            }
        }
    }
}
