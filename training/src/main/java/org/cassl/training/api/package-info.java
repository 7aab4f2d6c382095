/**
 * The supported public API for embedding cassl in Java applications: everything the command line
 * does, as a library. Other packages of cassl are internals that may change between versions.
 *
 * <ul>
 *   <li>{@link org.cassl.training.api.Detector}: load a model (config + safetensors, cassl's or
 *       torchvision's) and detect objects in {@link java.awt.image.BufferedImage}s, image files or
 *       tensors, getting {@link org.cassl.training.api.Detection} records (box, score, label, mask).
 *       Thread-safe: one detector serves concurrent calls.</li>
 *   <li>{@link org.cassl.training.api.TrainingJob}, {@link org.cassl.training.api.PseudoLabelJob},
 *       {@link org.cassl.training.api.CaSslJob}: training, pseudo-labelling and the three CA-SSL
 *       stages, with builders whose defaults are the command line's,
 *       {@link org.cassl.training.api.JobListener}s for progress and metrics, and cancellation
 *       that leaves a resumable checkpoint.</li>
 *   <li>{@link org.cassl.training.api.CocoEvaluation}: COCO evaluation returning the 12 stats as a
 *       {@link org.cassl.training.api.CocoStats} record.</li>
 * </ul>
 *
 * <p>Errors: {@link java.lang.NullPointerException}, {@link java.lang.IllegalArgumentException}
 * and {@link java.lang.IllegalStateException} for bad arguments and closed objects; subclasses
 * of {@link org.cassl.training.api.CasslException} for failures.
 *
 * <p>The JVM needs {@code --add-modules jdk.incubator.vector} (the CPU kernels use the Vector API).
 */
package org.cassl.training.api;
