package org.cassl.app.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Generates the synthetic shapes dataset, in memory ({@link #render}) or as a COCO-format folder
 * ({@link #write}):
 *
 * <pre>
 * OUT/labeled/000001.png ...     labeled training images (labeled classes only)
 * OUT/unlabeled/000001.png ...   unlabeled pool (labeled classes and novel kinds)
 * OUT/val/000001.png ...         validation images (labeled classes only)
 * OUT/test/000001.png, test.json test images and annotations (labeled classes only), when asked for
 * OUT/labeled.json, OUT/val.json annotations, categories 1..K = the labeled classes
 * OUT/unlabeled.json             the unlabeled image list, no annotations (what training may see)
 * OUT/unlabeled_gt.json          true objects of the unlabeled pool, for analysis only; novel kinds
 *                                get ids K+1.. with supercategory "novel"
 * OUT/shapes_config.json         the config and counts, to reproduce the dataset
 * </pre>
 *
 * A {@code file_name} is relative to its split's folder. Every image is drawn from its own seed, so
 * the output is byte-identical for equal configs whatever the thread count.
 */
public final class ShapesGenerator {
    /** Annotation file of the labeled split. */
    public static final String LABELED_JSON = "labeled.json";
    /** Annotation file of the validation split. */
    public static final String VAL_JSON = "val.json";
    /** Annotation file of the test split (written only when it has images). */
    public static final String TEST_JSON = "test.json";
    /** Image list of the unlabeled split (no annotations). */
    public static final String UNLABELED_JSON = "unlabeled.json";
    /** True objects of the unlabeled split, novel kinds included; never used for training. */
    public static final String UNLABELED_GT_JSON = "unlabeled_gt.json";
    /** The generating config and counts. */
    public static final String CONFIG_JSON = "shapes_config.json";

    private static final int CHUNK = 8;

    private final ShapesConfig config;
    private final SceneRenderer renderer;

    public ShapesGenerator(ShapesConfig config) {
        this.config = config;
        this.renderer = new SceneRenderer(config);
    }

    public ShapesConfig config() {
        return config;
    }

    /** Draws image {@code index} (zero-based) of a split; the same call always gives the same image. */
    public ShapesImage render(Split split, int index) {
        if (index < 0) {
            throw new ShapesException("ShapesGenerator.render: image index " + index + " is negative");
        }
        return renderer.render(split, index);
    }

    /** The file name of the image with COCO id {@code imageId} (index + 1) inside its split folder. */
    public static String fileName(int imageId) {
        return String.format("%06d.png", imageId);
    }

    /**
     * Writes a whole dataset folder. Everything goes into a hidden temporary folder next to
     * {@code out} that is renamed into place at the end, so {@code out} is either the complete
     * dataset or untouched.
     *
     * @param overwrite replace an existing non-empty {@code out}; only allowed when it holds a
     *                  previous shapes dataset ({@code shapes_config.json}), so a mistyped path
     *                  cannot wipe unrelated files
     * @param threads   worker threads; 0 or less uses every available processor
     * @throws ShapesException on bad counts, an occupied {@code out}, or an I/O failure
     */
    public DatasetSummary write(Path out, int labeled, int unlabeled, int val, boolean overwrite, int threads) {
        return write(out, labeled, unlabeled, val, 0, overwrite, threads);
    }

    /**
     * {@link #write(Path, int, int, int, boolean, int)} with a test split of {@code test} images
     * ({@code test/}, {@code test.json}; none when 0). The test images have their own seed id, so
     * they never repeat or change the images of the other splits.
     */
    public DatasetSummary write(Path out, int labeled, int unlabeled, int val, int test, boolean overwrite, int threads) {
        long start = System.nanoTime();
        Map<Split, Integer> counts = counts(labeled, unlabeled, val, test);
        counts.forEach((split, n) -> {
            if (n < 0 || n > 10_000_000) {
                throw new ShapesException("shapes dataset: " + split.folder() + " image count " + n
                        + " is invalid; expected 0..10000000");
            }
        });
        Path target = out.toAbsolutePath().normalize();
        checkTarget(target, overwrite);
        Path tmp;
        try {
            Files.createDirectories(target.getParent());
            tmp = createWorkingFolder(target);
        } catch (IOException e) {
            throw new ShapesException("cannot create a working folder next to " + target + ": " + e.getMessage(), e);
        }
        try {
            Map<Split, ShapesCocoFile.ImageEntry[]> entries = renderAll(tmp, counts, threads);
            writeAnnotations(tmp, entries);
            writeConfig(tmp.resolve(CONFIG_JSON), counts);
            publish(tmp, target, overwrite);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return summarise(target, entries, millis);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new ShapesException("cannot write shapes dataset " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * A fresh hidden folder next to the target. Not {@code Files.createTempDirectory}: that one is
     * private to the owner, and the rename would hand those permissions to the dataset.
     */
    private static Path createWorkingFolder(Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path candidate = target.resolveSibling("." + target.getFileName() + ".tmp-"
                    + Long.toHexString(System.nanoTime()) + "-" + attempt);
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private static void checkTarget(Path target, boolean overwrite) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new ShapesException("output " + target + " exists and is not a folder");
        }
        if (isEmptyFolder(target)) {
            return;
        }
        if (!overwrite) {
            throw new ShapesException("output folder " + target
                    + " is not empty; choose another folder or allow overwriting");
        }
        if (!Files.isRegularFile(target.resolve(CONFIG_JSON))) {
            throw new ShapesException("output folder " + target + " is not empty and holds no "
                    + CONFIG_JSON + "; refusing to overwrite a folder that is not a shapes dataset");
        }
    }

    private Map<Split, ShapesCocoFile.ImageEntry[]> renderAll(Path tmp, Map<Split, Integer> counts, int threads)
            throws IOException {
        Map<Split, ShapesCocoFile.ImageEntry[]> entries = new EnumMap<>(Split.class);
        List<Runnable> jobs = new ArrayList<>();
        for (Map.Entry<Split, Integer> e : counts.entrySet()) {
            Split split = e.getKey();
            int n = e.getValue();
            Path folder = Files.createDirectory(tmp.resolve(split.folder()));
            ShapesCocoFile.ImageEntry[] slots = new ShapesCocoFile.ImageEntry[n];
            entries.put(split, slots);
            for (int from = 0; from < n; from += CHUNK) {
                int lo = from;
                int hi = Math.min(n, from + CHUNK);
                jobs.add(() -> {
                    for (int i = lo; i < hi; i++) {
                        slots[i] = renderAndSave(folder, split, i);
                    }
                });
            }
        }
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, jobs.size())), r -> {
            Thread t = new Thread(r, "shapes-generator");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(jobs.size());
            for (Runnable job : jobs) {
                futures.add(pool.submit(job));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShapesException("shapes dataset generation was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ShapesException("shapes dataset generation failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
        return entries;
    }

    private ShapesCocoFile.ImageEntry renderAndSave(Path folder, Split split, int index) {
        ShapesImage image = renderer.render(split, index);
        int id = index + 1;
        String name = fileName(id);
        Path file = folder.resolve(name);
        int[] pixels = ((DataBufferInt) image.image().getRaster().getDataBuffer()).getData();
        try {
            Files.write(file, PngEncoder.encode(pixels, config.width(), config.height()));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot write image " + file + ": " + e.getMessage(), e));
        }
        List<ShapesCocoFile.Annotation> annotations = image.instances().stream().map(ShapesCocoFile.Annotation::of).toList();
        return new ShapesCocoFile.ImageEntry(id, name, config.width(), config.height(), annotations);
    }

    private void writeAnnotations(Path tmp, Map<Split, ShapesCocoFile.ImageEntry[]> entries) throws IOException {
        List<ShapesCocoFile.Category> labeledCategories = categories(false);
        List<ShapesCocoFile.Category> allCategories = categories(true);
        long seed = config.seed();
        ShapesCocoFile.write(tmp.resolve(LABELED_JSON), Split.LABELED.folder(), seed,
                List.of(entries.get(Split.LABELED)), labeledCategories, true);
        ShapesCocoFile.write(tmp.resolve(VAL_JSON), Split.VAL.folder(), seed,
                List.of(entries.get(Split.VAL)), labeledCategories, true);
        if (entries.containsKey(Split.TEST)) {
            ShapesCocoFile.write(tmp.resolve(TEST_JSON), Split.TEST.folder(), seed,
                    List.of(entries.get(Split.TEST)), labeledCategories, true);
        }
        ShapesCocoFile.write(tmp.resolve(UNLABELED_JSON), Split.UNLABELED.folder(), seed,
                List.of(entries.get(Split.UNLABELED)), labeledCategories, false);
        ShapesCocoFile.write(tmp.resolve(UNLABELED_GT_JSON), Split.UNLABELED.folder(), seed,
                List.of(entries.get(Split.UNLABELED)), allCategories, true);
    }

    private List<ShapesCocoFile.Category> categories(boolean withNovel) {
        List<ShapesCocoFile.Category> list = new ArrayList<>();
        for (ShapeKind kind : config.classes()) {
            list.add(new ShapesCocoFile.Category(config.categoryId(kind), kind.label(), "shape"));
        }
        if (withNovel) {
            for (ShapeKind kind : config.novelKinds()) {
                list.add(new ShapesCocoFile.Category(config.categoryId(kind), kind.label(), "novel"));
            }
        }
        return list;
    }

    private void writeConfig(Path file, Map<Split, Integer> counts) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), record(config, counts));
    }

    /** The image counts of a dataset as {@link #write(Path, int, int, int, int, boolean, int)} records them. */
    public static Map<Split, Integer> counts(int labeled, int unlabeled, int val, int test) {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        counts.put(Split.LABELED, labeled);
        counts.put(Split.UNLABELED, unlabeled);
        counts.put(Split.VAL, val);
        if (test != 0) {
            counts.put(Split.TEST, test);
        }
        return counts;
    }

    /**
     * What {@code shapes_config.json} holds for a dataset generated with {@code config} and
     * {@code counts}: equal records mean the same images, so callers can tell whether a dataset
     * on disk is the one they would generate.
     */
    public static Map<String, Object> record(ShapesConfig config, Map<Split, Integer> counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generator", "org.cassl.app.shapes");
        json.put("format_version", 1);
        Map<String, Object> images = new LinkedHashMap<>();
        counts.forEach((split, n) -> images.put(split.folder(), n));
        json.put("images", images);
        json.put("width", config.width());
        json.put("height", config.height());
        json.put("min_objects", config.minObjects());
        json.put("max_objects", config.maxObjects());
        json.put("min_size", config.minSize());
        json.put("max_size", config.maxSize());
        json.put("classes", config.classes().stream().map(ShapeKind::label).toList());
        json.put("novel_kinds", config.novelKinds().stream().map(ShapeKind::label).toList());
        json.put("novel_fraction", config.novelFraction());
        json.put("seed", config.seed());
        json.put("cluttered_backgrounds", config.clutteredBackgrounds());
        json.put("noise_sigma", config.noiseSigma());
        json.put("distractor_density", config.distractorDensity());
        json.put("occlusion", config.occlusion());
        json.put("min_visible_fraction", config.minVisibleFraction());
        json.put("min_visible_pixels", config.minVisiblePixels());
        json.put("textures", config.textures().stream().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).toList());
        json.put("outline_probability", config.outlineProbability());
        return json;
    }

    /** Renames the finished temporary folder onto the target, moving any old dataset aside first. */
    private static void publish(Path tmp, Path target, boolean overwrite) throws IOException {
        if (Files.exists(target)) {
            if (isEmptyFolder(target)) {
                Files.delete(target);
            } else if (overwrite) {
                Path old = tmp.resolveSibling(tmp.getFileName() + ".old");
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                deleteQuietly(old);
                return;
            } else {
                throw new FileAlreadyExistsException(target.toString(), null, "appeared while generating");
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private DatasetSummary summarise(Path root, Map<Split, ShapesCocoFile.ImageEntry[]> entries, long millis) {
        List<DatasetSummary.SplitSummary> splits = new ArrayList<>();
        for (Map.Entry<Split, ShapesCocoFile.ImageEntry[]> e : entries.entrySet()) {
            Split split = e.getKey();
            Map<String, Integer> perCategory = new LinkedHashMap<>();
            for (ShapeKind kind : config.classes()) {
                perCategory.put(kind.label(), 0);
            }
            if (split.containsNovelKinds()) {
                for (ShapeKind kind : config.novelKinds()) {
                    perCategory.put(kind.label(), 0);
                }
            }
            Map<Integer, String> names = new LinkedHashMap<>();
            for (ShapeKind kind : ShapeKind.values()) {
                names.put(config.categoryId(kind), kind.label());
            }
            int objects = 0;
            for (ShapesCocoFile.ImageEntry image : e.getValue()) {
                for (ShapesCocoFile.Annotation a : image.annotations()) {
                    perCategory.merge(names.get(a.categoryId()), 1, Integer::sum);
                    objects++;
                }
            }
            splits.add(new DatasetSummary.SplitSummary(split, e.getValue().length, objects, perCategory));
        }
        return new DatasetSummary(root, config, List.copyOf(splits), millis);
    }

    private static boolean isEmptyFolder(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover hidden temporary folder is harmless.
                }
            });
        } catch (IOException ignored) {
            // Same as above.
        }
    }
}
