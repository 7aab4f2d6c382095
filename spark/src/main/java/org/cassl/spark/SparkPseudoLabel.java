package org.cassl.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.cassl.detection.coco.CocoWriter;
import org.cassl.detection.fcos.Fcos;
import org.cassl.training.UserInputException;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.cassl.training.pipeline.PseudoLabelOptions;
import org.cassl.training.pipeline.PseudoLabeler;
import org.cassl.training.pipeline.UnlabeledImages;

/**
 * Distributed pseudo-labelling: the one-machine {@code cassl pseudo-label} with the manifest split
 * into batch-aligned partitions, one teacher per executor JVM, images read through Hadoop
 * {@link FileSystem}, one JSON-lines part file per partition (written atomically, so a retried or
 * speculative task writes the same bytes), then a deterministic merge into the same COCO file the
 * one-machine run writes. A rerun on the same output skips finished parts.
 *
 * <p>Parts live in {@code <out>.parts/} ({@code _run.json} identifies the run); they are removed
 * after a successful merge.
 */
public final class SparkPseudoLabel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkPseudoLabel() {
    }

    /**
     * What to label.
     *
     * @param config       teacher config JSON (path or URI)
     * @param weights      teacher weights (path or URI)
     * @param images       a folder of images or an image-list file (path or URI)
     * @param out          the COCO file to write (path or URI)
     * @param options      tau, NMS, cap, batch size: as {@code cassl pseudo-label}
     * @param onError      "skip" (leave unreadable images out, count and list them) or "fail"
     * @param partitions   number of partitions (0: two per default-parallelism slot)
     * @param device       "cpu", "cuda:N", or "auto" (the task's GPU when Spark gives one, else the CPU)
     * @param failOnceInPart testing: the first attempt of this partition fails after writing half a temp file (-1: none)
     */
    public record Spec(String config, String weights, String images, String out, PseudoLabelOptions options,
                       String onError, int partitions, String device, int failOnceInPart) implements Serializable {
        public Spec {
            if (!onError.equals("skip") && !onError.equals("fail")) {
                throw new IllegalArgumentException("--on-error must be skip or fail, got " + onError);
            }
        }
    }

    /**
     * What a run produced.
     *
     * @param images    images in the output
     * @param boxes     pseudo-labels written
     * @param skipped   unreadable images: "name: reason"
     * @param parts     partitions of the run
     * @param reused    partitions taken over from an earlier, interrupted run
     * @param seconds   wall time of the distributed stage and merge
     */
    public record Result(int images, int boxes, List<String> skipped, int parts, int reused, double seconds) {
        public String message(String out) {
            return "pseudo-labels: " + boxes + " boxes on " + images + " images -> " + out + " (" + parts + " parts"
                    + (reused > 0 ? ", " + reused + " reused from an earlier run" : "") + ")"
                    + (skipped.isEmpty() ? "" : "; " + skipped.size() + " unreadable image(s) skipped");
        }
    }

    /** The manifest: root URI and relative names in manifest order. */
    record Manifest(String root, List<String> names) implements Serializable {
    }

    /** Runs the job on {@code sc}. Bad inputs end in a {@link UserInputException} with one line, before any output. */
    public static Result run(JavaSparkContext sc, Spec spec) {
        return run(sc, spec, null);
    }

    /**
     * Runs the job on images already listed (the CA-SSL pipeline's unlabeled set, in its order);
     * {@code spec.images()} then only names them in messages. With {@code images} null, as {@link #run(JavaSparkContext, Spec)}.
     */
    public static Result run(JavaSparkContext sc, Spec spec, UnlabeledImages images) {
        long t0 = System.nanoTime();
        Configuration conf = HadoopFiles.conf(sc.hadoopConfiguration());
        Path out = HadoopFiles.path(spec.out());
        FileSystem outFs = HadoopFiles.fs(out, conf);
        checkOutput(outFs, out);
        byte[] cfg = HadoopFiles.readAll(HadoopFiles.path(spec.config()), conf, "config file");
        byte[] w = HadoopFiles.readAll(HadoopFiles.path(spec.weights()), conf, "weights file");
        ModelBytes model = new ModelBytes(cfg, w, HadoopFiles.path(spec.weights()).getName(), spec.options().tau());
        model.loadFresh("cpu"); // a model that does not fit its config fails here, with one line
        Manifest manifest = images == null ? manifest(spec.images(), conf)
                : new Manifest(images.root().toUri().toString(), images.fileNames());
        if (manifest.names().isEmpty()) {
            throw new UserInputException("no images (png, jpg, jpeg, bmp, gif) found in " + spec.images());
        }
        int n = manifest.names().size();
        int batch = spec.options().batchSize();
        int batches = (n + batch - 1) / batch;
        int parts = Math.max(1, Math.min(batches, spec.partitions() > 0 ? spec.partitions() : 2 * sc.defaultParallelism()));
        Path partsDir = new Path(out.getParent(), out.getName() + ".parts");
        String teacherId = teacherId(spec.weights());
        ObjectNode header = JSON.createObjectNode();
        header.put("teacher", model.hash());
        header.set("options", JSON.valueToTree(spec.options()));
        header.put("root", manifest.root());
        header.put("images", n);
        header.put("manifest", Integer.toHexString(manifest.names().hashCode()));
        header.put("parts", parts);
        int reused = 0;
        List<Integer> pending = new ArrayList<>();
        try {
            Path runFile = new Path(partsDir, "_run.json");
            if (outFs.exists(runFile)) {
                JsonNode old = JSON.readTree(HadoopFiles.readString(outFs, runFile));
                if (!old.equals(header)) {
                    throw new UserInputException(partsDir + " belongs to a run with another teacher, options, image list or "
                            + "partitioning; delete it to start over");
                }
            } else {
                outFs.mkdirs(partsDir);
                byte[] h = JSON.writeValueAsBytes(header);
                HadoopFiles.writeAtomically(outFs, runFile, o -> o.write(h));
            }
            for (int p = 0; p < parts; p++) {
                if (outFs.exists(partPath(partsDir, p))) {
                    reused++;
                } else {
                    pending.add(p);
                }
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write to " + partsDir + ": " + HadoopFiles.oneLine(e), e);
        }
        if (!pending.isEmpty()) {
            Broadcast<ModelBytes> bModel = sc.broadcast(model);
            Broadcast<Manifest> bManifest = sc.broadcast(manifest);
            Broadcast<byte[]> bConf = sc.broadcast(HadoopFiles.toBytes(conf));
            String partsUri = partsDir.toString();
            int nParts = parts;
            try {
                sc.setJobDescription("cassl pseudo-label: " + pending.size() + " of " + parts + " parts, " + n + " images");
                sc.parallelize(pending, pending.size())
                        .mapPartitions(it -> labelPartitions(it, spec, bModel.value(), bManifest.value(), bConf.value(), partsUri, nParts))
                        .count();
            } catch (Exception e) {
                // the failed job's other tasks may still be writing: wait for them to stop, then drop
                // their temporary files, so only whole parts stay behind
                awaitNoActiveStages(sc, 60_000);
                removeTemporariesUntilQuiet(outFs, partsDir, 60_000);
                throw new UserInputException("pseudo-labelling failed: " + rootMessage(e) + "; finished parts are kept in "
                        + partsDir + " and a rerun continues from them", e);
            } finally {
                bModel.destroy();
                bManifest.destroy();
                bConf.destroy();
            }
        }
        Map<Integer, JsonNode> records = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        try {
            for (int p = 0; p < parts; p++) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(outFs.open(partPath(partsDir, p)),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        JsonNode rec = JSON.readTree(line);
                        int i = rec.get("index").asInt();
                        records.put(i, rec);
                        if (rec.has("skipped")) {
                            skipped.add(manifest.names().get(i) + ": " + rec.get("skipped").asText());
                        }
                    }
                }
            }
            if (!skipped.isEmpty() && spec.onError().equals("fail")) {
                throw new UserInputException(skipped.size() + " unreadable image(s), first " + skipped.get(0) + "; nothing written "
                        + "(--on-error skip leaves them out)");
            }
            PseudoLabeler.Assembled a = PseudoLabeler.assemble(manifest.names(), records, spec.options(), teacherId, spec.out());
            HadoopFiles.writeAtomically(outFs, out, o -> CocoWriter.write(o, a.dataset()));
            outFs.delete(partsDir, true);
            return new Result(a.dataset().images().size(), a.dataset().annotations().size(), skipped, parts, reused,
                    (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UserInputException("cannot merge " + partsDir + " into " + out + ": " + HadoopFiles.oneLine(e), e);
        }
    }

    /** How the one-machine command names its teacher in the COCO file: the weights' absolute path. */
    static String teacherId(String weights) {
        return HadoopFiles.isLocal(weights) ? HadoopFiles.local(weights).toAbsolutePath().toString()
                : HadoopFiles.path(weights).toString();
    }

    static Path partPath(Path partsDir, int p) {
        return new Path(partsDir, String.format("part-%05d.jsonl", p));
    }

    private static void awaitNoActiveStages(JavaSparkContext sc, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while ((sc.statusTracker().getActiveStageIds().length > 0 || runningTasks(sc) > 0)
                && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int runningTasks(JavaSparkContext sc) {
        int n = 0;
        for (org.apache.spark.SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
            n += e.numRunningTasks();
        }
        return n;
    }

    /**
     * Removes the failed job's temporary part files until none has appeared for a second (at most
     * {@code timeoutMillis}): Spark's status tracker learns of task ends through its listener bus,
     * which lags under load, so a task it no longer counts may still be writing one.
     */
    private static void removeTemporariesUntilQuiet(FileSystem fs, Path partsDir, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        long quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            if (removeTemporaries(fs, partsDir)) {
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince >= 1_000) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Deletes the temporary part files now in {@code partsDir}; whether there were any. */
    private static boolean removeTemporaries(FileSystem fs, Path partsDir) {
        boolean found = false;
        try {
            if (!fs.exists(partsDir)) {
                return false;
            }
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(partsDir)) {
                if (f.getPath().getName().startsWith("._tmp-")) {
                    fs.delete(f.getPath(), false);
                    found = true;
                }
            }
        } catch (IOException ignored) {
            // best effort: a rerun ignores temporaries and writes every part atomically anyway
        }
        return found;
    }

    private static void checkOutput(FileSystem fs, Path out) {
        Path parent = out.getParent();
        try {
            if (parent == null || !fs.getFileStatus(parent).isDirectory()) {
                throw new UserInputException("output folder is not a folder: " + parent);
            }
            if (fs.exists(out) && fs.getFileStatus(out).isDirectory()) {
                throw new UserInputException("output is a folder: " + out);
            }
            Path probe = new Path(parent, "._cassl-probe-" + java.util.UUID.randomUUID());
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (java.io.FileNotFoundException e) {
            throw new UserInputException("output folder not found: " + parent);
        } catch (IOException e) {
            throw new UserInputException("cannot write to output folder " + parent + ": " + HadoopFiles.oneLine(e));
        }
    }

    /** The manifest of a folder or image list: local inputs exactly as the one-machine command lists them. */
    static Manifest manifest(String images, Configuration conf) {
        if (HadoopFiles.isLocal(images)) {
            java.nio.file.Path p = HadoopFiles.local(images);
            UnlabeledImages u = java.nio.file.Files.isDirectory(p) ? UnlabeledImages.folder(p) : UnlabeledImages.list(p);
            return new Manifest(u.root().toUri().toString(), u.fileNames());
        }
        Path p = HadoopFiles.path(images);
        FileSystem fs = HadoopFiles.fs(p, conf);
        try {
            FileStatus st = fs.getFileStatus(p);
            List<String> names = new ArrayList<>();
            String root;
            if (st.isDirectory()) {
                root = st.getPath().toString();
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                while (it.hasNext()) {
                    String full = it.next().getPath().toString();
                    String rel = full.substring(root.length()).replaceFirst("^/+", "");
                    if (Images.hasImageExtension(java.nio.file.Path.of(rel))) {
                        names.add(rel);
                    }
                }
                names.sort(null);
            } else {
                root = st.getPath().getParent().toString();
                for (String line : HadoopFiles.readString(fs, p).split("\n")) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#") && Images.hasImageExtension(java.nio.file.Path.of(t))) {
                        names.add(t);
                    }
                }
            }
            if (names.isEmpty()) {
                throw new UserInputException("no images (png, jpg, jpeg, bmp, gif) found in " + images);
            }
            return new Manifest(root, names);
        } catch (java.io.FileNotFoundException e) {
            throw new UserInputException("images not found: " + images);
        } catch (IOException e) {
            throw new UserInputException("cannot list " + images + ": " + HadoopFiles.oneLine(e));
        }
    }

    /** Executor side: labels each partition id the iterator yields and writes its part file. */
    private static Iterator<Integer> labelPartitions(Iterator<Integer> it, Spec spec, ModelBytes model, Manifest manifest,
                                                     byte[] confBytes, String partsUri, int parts) throws IOException {
        Configuration conf = HadoopFiles.fromBytes(confBytes);
        List<Integer> done = new ArrayList<>();
        while (it.hasNext()) {
            int part = it.next();
            labelPart(part, spec, model, manifest, new Path(partsUri), parts, conf);
            done.add(part);
        }
        return done.iterator();
    }

    private static void labelPart(int part, Spec spec, ModelBytes model, Manifest manifest, Path partsDir, int parts,
                                  Configuration conf) throws IOException {
        int n = manifest.names().size();
        int batch = spec.options().batchSize();
        int batches = (n + batch - 1) / batch;
        // batch-aligned ranges: partition p holds batches [p*B/P, (p+1)*B/P)
        int from = (int) ((long) part * batches / parts) * batch;
        int to = Math.min(n, (int) ((long) (part + 1) * batches / parts) * batch);
        String device = ExecutorDevice.current(spec.device());
        Fcos teacher = model.load(device);
        StringBuilder sb = new StringBuilder();
        for (int s = from; s < to; s += batch) {
            List<Integer> ok = new ArrayList<>();
            List<RgbImage> decoded = new ArrayList<>();
            List<ObjectNode> recs = new ArrayList<>();
            for (int i = s; i < Math.min(to, s + batch); i++) {
                try {
                    decoded.add(read(manifest.root(), manifest.names().get(i), conf));
                    ok.add(i);
                } catch (ImageFailure e) {
                    recs.add(PseudoLabeler.skippedRecord(i, e.getMessage()));
                }
            }
            synchronized (teacher) {
                recs.addAll(PseudoLabeler.labelBatch(teacher, ok, decoded, spec.options()));
            }
            recs.sort((a, b) -> Integer.compare(a.get("index").asInt(), b.get("index").asInt()));
            for (ObjectNode r : recs) {
                sb.append(JSON.writeValueAsString(r)).append('\n');
            }
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        FileSystem fs = partsDir.getFileSystem(conf);
        TaskContext tc = TaskContext.get();
        if (tc != null && tc.isInterrupted()) {
            // the job failed and Spark killed this task: write nothing, a rerun labels the part
            throw new org.apache.spark.TaskKilledException("part " + part + ": the job was cancelled");
        }
        HadoopFiles.writeAtomically(fs, partPath(partsDir, part), o -> {
            if (part == spec.failOnceInPart() && tc != null && tc.attemptNumber() == 0) {
                o.write(bytes, 0, bytes.length / 2);
                throw new IOException("injected failure in part " + part + " (first attempt)");
            }
            o.write(bytes);
        });
    }

    static final class ImageFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ImageFailure(String m) {
            super(m);
        }
    }

    private static RgbImage read(String root, String name, Configuration conf) throws ImageFailure {
        Path p = new Path(root.endsWith("/") ? root + name : root + "/" + name);
        BufferedImage img;
        try {
            FileSystem fs = p.getFileSystem(conf);
            try (InputStream in = fs.open(p)) {
                img = ImageIO.read(in);
            }
        } catch (java.io.FileNotFoundException e) {
            throw new ImageFailure("image not found: " + p);
        } catch (IOException | RuntimeException e) {
            throw new ImageFailure("cannot decode image " + p + ": " + HadoopFiles.oneLine(e));
        }
        if (img == null) {
            throw new ImageFailure("cannot decode image " + p + ": not a PNG, JPEG, BMP or GIF file");
        }
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new ImageFailure("image " + p + " is empty");
        }
        return Images.fromBufferedImage(img);
    }

    /** The innermost message of a failed Spark job, on one line. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = HadoopFiles.oneLine(t);
        int i = m.indexOf("most recent failure: ");
        if (t instanceof SparkException && i >= 0) {
            m = m.substring(i + "most recent failure: ".length());
            int colon = m.indexOf("): ");
            m = colon >= 0 ? m.substring(colon + 3) : m;
        }
        return m;
    }
}
