package org.cassl.training.api;

import org.cassl.training.eval.DetectionResults;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.cassl.training.compute.Devices;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.MemoryScope;
import org.cassl.tensor.Tensor;
import org.cassl.training.model.ModelFiles;
import org.cassl.training.data.Images;

/**
 * A loaded detector (FCOS, with a mask head when the config has one) that finds objects in
 * images: what {@code cassl detect} does, as a library.
 *
 * <pre>{@code
 * try (Detector detector = Detector.load(Path.of("config.json"), Path.of("model.safetensors"))) {
 *     for (Detection d : detector.detect(ImageIO.read(new File("street.jpg")))) {
 *         System.out.println(d.label() + " " + d.score() + " " + d.box());
 *     }
 * }
 * }</pre>
 *
 * <p>The weights may be cassl's ({@code model.safetensors} of a training run) or torchvision's
 * (an FCOS state dict exported as safetensors: the names are torchvision's).
 *
 * <p><b>Thread safety.</b> A detector is safe for concurrent use: any number of threads may call
 * {@code detect} and {@code detectAll} at the same time. The weights are shared and read-only
 * during inference; every call works in its own tensors (and the CPU kernels' scratch buffers are
 * per thread), so concurrent calls give the same results as the same calls made one after the
 * other. {@link #close()} waits for calls in progress, then releases the weights (on a GPU, their
 * device memory); calls after that throw {@link IllegalStateException}.
 * The test suite checks this on the CPU backend (8 threads making 50 calls each, compared with
 * sequential calls); the CUDA backend's allocator and transfers are synchronized, but concurrent
 * GPU inference is not covered by a test. The CPU worker pool belongs to the process and is shared
 * by every detector and job in it: a detector never changes it (the process's owner sets it once
 * with {@link org.cassl.tensor.Backends#setCpuThreads}, as {@code cassl --threads} does).
 *
 * <p>Images are RGB; grayscale, palette and ARGB images are converted (alpha is dropped). Boxes
 * come back in the input image's pixels, by descending score.
 */
public final class Detector implements AutoCloseable {
    private final FcosConfig config;
    private final Device device;
    private final int batchSize;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile Fcos model;

    private Detector(Fcos model, Device device, int batchSize) {
        this.model = model;
        this.config = model.config();
        this.device = device;
        this.batchSize = batchSize;
    }

    /**
     * Loads a model with the command line's defaults (CPU, the config's score threshold, batches
     * of 4 images in {@link #detectAll}).
     *
     * @param config  the model config JSON
     * @param weights the weights (safetensors, cassl's or torchvision's names)
     * @return the loaded detector; close it to release its memory
     * @throws NullPointerException if an argument is null
     * @throws ModelLoadException   if a file is missing, malformed or does not fit the config
     */
    public static Detector load(Path config, Path weights) {
        return builder(config, weights).build();
    }

    /**
     * A builder for a detector with other settings than {@link #load}'s.
     *
     * <pre>{@code
     * Detector d = Detector.builder(config, weights).scoreThreshold(0.3).batchSize(8).build();
     * }</pre>
     *
     * @param config  the model config JSON
     * @param weights the weights (safetensors)
     * @return a builder with the command line's defaults
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Path config, Path weights) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(weights, "weights"));
    }

    /** Settings of a {@link Detector}; each defaults to the value {@code cassl detect} uses. */
    public static final class Builder {
        private final Path config;
        private final Path weights;
        private String device = Defaults.DEVICE;
        private Double scoreThreshold;
        private int batchSize = Defaults.DETECT_BATCH;

        private Builder(Path config, Path weights) {
            this.config = config;
            this.weights = weights;
        }

        /**
         * Where to compute: {@code "cpu"} (the default) or {@code "cuda"}, {@code "cuda:N"}.
         *
         * @param device the device name
         * @return this builder
         * @throws NullPointerException if {@code device} is null
         */
        public Builder device(String device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Keep detections with a score of at least this (default: the config's
         * {@code score_thresh}).
         *
         * @param threshold in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code threshold} is outside [0, 1]
         */
        public Builder scoreThreshold(double threshold) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("scoreThreshold must be in [0, 1], got " + threshold);
            }
            this.scoreThreshold = threshold;
            return this;
        }

        /**
         * Images per forward pass in {@link Detector#detectAll} (default 4).
         *
         * @param batchSize 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code batchSize} is less than 1
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Loads the model.
         *
         * @return the detector
         * @throws ModelLoadException if a file is missing, malformed or does not fit, or the device
         *                            is not usable
         */
        public Detector build() {
            return Errors.loading(() -> {
                Device d = Devices.resolve(device);
                if (!Files.isRegularFile(config)) {
                    throw new ModelLoadException("config file not found: " + config);
                }
                FcosConfig cfg = ModelFiles.config(config);
                if (scoreThreshold != null) {
                    cfg = cfg.withScoreThresh(scoreThreshold);
                }
                Fcos m = ModelFiles.load(cfg, weights, d);
                m.train(false);
                return new Detector(m, d, batchSize);
            });
        }
    }

    /**
     * Detects objects in an image.
     *
     * @param image the image (any type; converted to RGB)
     * @return the detections by descending score (empty when none clears the threshold)
     * @throws NullPointerException     if {@code image} is null
     * @throws IllegalArgumentException if the image has no pixels
     * @throws IllegalStateException    if the detector is closed
     */
    public List<Detection> detect(BufferedImage image) {
        return run(List.of(prepare(image, 0))).get(0);
    }

    /**
     * Detects objects in an image file (PNG, JPEG, BMP or GIF).
     *
     * @param imageFile the file
     * @return the detections by descending score
     * @throws NullPointerException  if {@code imageFile} is null
     * @throws ImageException        if the file is missing or cannot be decoded
     * @throws IllegalStateException if the detector is closed
     */
    public List<Detection> detect(Path imageFile) {
        return run(List.of(prepare(imageFile, 0))).get(0);
    }

    /**
     * Detects objects in an image tensor: {@code [3, H, W]} floating point, RGB in [0, 1], on any
     * device (it is moved to the detector's).
     *
     * @param image the image tensor
     * @return the detections by descending score, boxes in the tensor's pixels
     * @throws NullPointerException     if {@code image} is null
     * @throws IllegalArgumentException if the shape is not {@code [3, H, W]} with H, W &gt; 0 or the
     *                                  dtype is not floating point
     * @throws IllegalStateException    if the detector is closed
     */
    public List<Detection> detect(Tensor image) {
        return run(List.of(prepare(image, 0))).get(0);
    }

    /**
     * Detects objects in several images, {@link Builder#batchSize} at a time: the same results as
     * calling {@code detect} on each.
     *
     * @param images a list of {@link BufferedImage}s, {@link Path}s and image {@link Tensor}s, mixed
     *               as convenient
     * @return per image, in order, its detections
     * @throws NullPointerException     if the list or an element is null
     * @throws IllegalArgumentException if an element is of another type or an invalid image
     * @throws ImageException           if an image file cannot be read
     * @throws IllegalStateException    if the detector is closed
     */
    public List<List<Detection>> detectAll(List<?> images) {
        Objects.requireNonNull(images, "images");
        checkOpen();
        List<List<Detection>> out = new ArrayList<>(images.size());
        for (int s = 0; s < images.size(); s += batchSize) {
            List<Tensor> chunk = new ArrayList<>();
            for (int i = s; i < Math.min(images.size(), s + batchSize); i++) {
                chunk.add(prepare(images.get(i), i));
            }
            out.addAll(run(chunk));
        }
        return out;
    }

    private static Tensor prepare(Object image, int index) {
        String which = index == 0 ? "image" : "image " + index;
        if (image == null) {
            throw new NullPointerException(which + " is null");
        }
        if (image instanceof BufferedImage b) {
            if (b.getWidth() <= 0 || b.getHeight() <= 0) {
                throw new IllegalArgumentException(which + " is empty (" + b.getWidth() + "x" + b.getHeight() + ")");
            }
            return Images.fromBufferedImage(b).toTensor();
        }
        if (image instanceof Path p) {
            try {
                return Images.read(p).toTensor();
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
        }
        if (image instanceof Tensor t) {
            if (t.dim() != 3 || t.size(0) != 3) {
                throw new IllegalArgumentException(which + ": expected an RGB image tensor of shape [3, H, W], got "
                        + Arrays.toString(t.shape()) + (t.dim() == 3 ? " (" + t.size(0) + " channels)" : ""));
            }
            if (t.size(1) == 0 || t.size(2) == 0) {
                throw new IllegalArgumentException(which + " is empty (shape " + Arrays.toString(t.shape()) + ")");
            }
            if (!t.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(which + ": expected a floating-point tensor with values in [0, 1], got "
                        + t.dtype());
            }
            return t.dtype() == DType.F32 ? t : t.to(DType.F32);
        }
        throw new IllegalArgumentException(which + ": expected a BufferedImage, Path or Tensor, got "
                + image.getClass().getName());
    }

    private List<List<Detection>> run(List<Tensor> images) {
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            checkOpen();
            // every device temporary of the call is released when it returns (on the CPU its arrays
            // serve the next call); the records are plain heap objects, no tensor escapes
            try (MemoryScope scope = MemoryScope.openRecycling(device)) {
                List<Tensor> onDevice = new ArrayList<>(images.size());
                for (Tensor t : images) {
                    onDevice.add(t.device().equals(device) ? t : t.to(device));
                }
                return DetectionResults.toHost(model.detect(onDevice));
            }
        } finally {
            r.unlock();
        }
    }

    private void checkOpen() {
        if (model == null) {
            throw new IllegalStateException("this Detector is closed");
        }
    }

    /**
     * The number of classes of the model (class indices are in {@code [0, numClasses)}).
     *
     * @return the config's {@code num_classes}
     */
    public int numClasses() {
        return config.numClasses();
    }

    /**
     * The score threshold in effect.
     *
     * @return detections below it are dropped
     */
    public double scoreThreshold() {
        return config.scoreThresh();
    }

    /**
     * The device the model runs on.
     *
     * @return its name, such as {@code "cpu"} or {@code "cuda:0"}
     */
    public String device() {
        return device.toString();
    }

    /**
     * Images per forward pass in {@link #detectAll}.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            return model == null;
        } finally {
            r.unlock();
        }
    }

    /**
     * Waits for detect calls in progress, then releases the model: device memory of GPU weights
     * is returned at once, heap memory becomes collectable. Idempotent.
     */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock w = lock.writeLock();
        w.lock();
        try {
            if (model == null) {
                return;
            }
            for (Tensor t : model.stateDict().values()) {
                t.release();
            }
            model = null;
        } finally {
            w.unlock();
        }
    }
}
