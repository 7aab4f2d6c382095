package org.cassl.training.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.cassl.detection.Detections;
import org.cassl.detection.box.Nms;
import org.cassl.detection.coco.Bbox;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.CocoWriter;
import org.cassl.detection.coco.Segmentation;
import org.cassl.training.api.Box;
import org.cassl.training.api.Detection;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;
import org.cassl.training.data.ImageReadException;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.cassl.training.eval.DetectionResults;

/**
 * Stage 2 of CA-SSL: the teacher labels unlabeled images. Detections with score >= tau survive a
 * class-agnostic NMS and a per-image cap; they become a COCO annotation file with one category
 * ("object", id 1), each annotation keeping {@code teacher_category_id} and {@code teacher_score}
 * (and a compressed-RLE mask when the teacher has a mask head). Images without a kept box stay in
 * the file (pure background). Unreadable images are skipped and counted.
 *
 * <p>Restartable: every finished image is appended to {@code <out>.partial.jsonl}; a restarted run
 * skips the images already there. The final file is written atomically and the partial file removed.
 */
public final class PseudoLabeler {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a run produced.
     *
     * @param images   images in the output (labeled or pure background)
     * @param boxes    pseudo-labels written
     * @param skipped  unreadable images left out
     * @param resumed  images taken over from an interrupted run
     */
    public record Summary(int images, int boxes, int skipped, int resumed) {
    }

    private final Fcos teacher;
    private final PseudoLabelOptions options;
    private final String teacherId;

    /** @param teacherId identifies the teacher (e.g. its weights path), so a partial file of another teacher is refused */
    public PseudoLabeler(Fcos teacher, PseudoLabelOptions options, String teacherId) {
        this.teacher = teacher;
        this.options = options;
        this.teacherId = teacherId;
    }

    public Summary run(UnlabeledImages input, Path out, IntConsumer progress) {
        Path partial = out.resolveSibling(out.getFileName() + ".partial.jsonl");
        Map<Integer, JsonNode> done = readPartial(partial, input);
        int resumed = done.size();
        teacher.train(false);
        try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            if (done.isEmpty() && Files.size(partial) == 0) {
                w.write(JSON.writeValueAsString(header(input)));
                w.newLine();
            }
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < input.fileNames().size(); i++) {
                if (!done.containsKey(i)) {
                    pending.add(i);
                }
            }
            int finished = done.size();
            if (progress != null) {
                progress.accept(finished);
            }
            for (int s = 0; s < pending.size(); s += options.batchSize()) {
                List<Integer> chunk = pending.subList(s, Math.min(pending.size(), s + options.batchSize()));
                List<Integer> ok = new ArrayList<>();
                List<RgbImage> decoded = new ArrayList<>();
                for (int idx : chunk) {
                    try {
                        decoded.add(Images.read(input.root().resolve(input.fileNames().get(idx))));
                        ok.add(idx);
                    } catch (ImageReadException e) {
                        ObjectNode rec = skippedRecord(idx, e.getMessage());
                        done.put(idx, rec);
                        w.write(JSON.writeValueAsString(rec));
                        w.newLine();
                    }
                }
                for (ObjectNode rec : labelBatch(teacher, ok, decoded, options)) {
                    done.put(rec.get("index").asInt(), rec);
                    w.write(JSON.writeValueAsString(rec));
                    w.newLine();
                }
                w.flush();
                finished += chunk.size();
                if (progress != null) {
                    progress.accept(finished);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
        Summary summary = writeCoco(input, done, out, resumed);
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return summary;
    }

    private ObjectNode header(UnlabeledImages input) {
        ObjectNode h = JSON.createObjectNode();
        h.put("teacher", teacherId);
        h.set("options", JSON.valueToTree(options));
        h.put("root", input.root().toString());
        h.put("images", input.fileNames().size());
        h.put("first", input.fileNames().get(0));
        return h;
    }

    private Map<Integer, JsonNode> readPartial(Path partial, UnlabeledImages input) {
        Map<Integer, JsonNode> done = new LinkedHashMap<>();
        if (!Files.exists(partial)) {
            return done;
        }
        try {
            List<String> lines = Files.readAllLines(partial, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return done;
            }
            JsonNode h = JSON.readTree(lines.get(0));
            if (!h.equals(header(input))) {
                throw new UserInputException(partial + " belongs to a pseudo-labelling run with another teacher, options or "
                        + "image list; delete it to start over");
            }
            for (int i = 1; i < lines.size(); i++) {
                try {
                    JsonNode n = JSON.readTree(lines.get(i));
                    done.put(n.get("index").asInt(), n);
                } catch (IOException | NullPointerException e) {
                    // a line torn by a kill: that image is redone
                }
            }
            // rewrite without torn lines so appends start on a clean line
            List<String> clean = new ArrayList<>();
            clean.add(lines.get(0));
            for (JsonNode n : done.values()) {
                clean.add(JSON.writeValueAsString(n));
            }
            Files.write(partial, clean, StandardCharsets.UTF_8);
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + partial + ": " + e.getMessage(), e);
        }
    }

    /**
     * Labels one batch: a single teacher forward pass over {@code images} (the readable images of one
     * chunk of {@code batchSize} consecutive indices), one record per image, in order. The teacher
     * must be in eval mode. Batches of the same images give the same records on any machine.
     */
    public static List<ObjectNode> labelBatch(Fcos teacher, List<Integer> indices, List<RgbImage> images,
                                              PseudoLabelOptions options) {
        List<ObjectNode> out = new ArrayList<>();
        if (images.isEmpty()) {
            return out;
        }
        List<Tensor> tensors = new ArrayList<>();
        images.forEach(d -> tensors.add(d.toTensor().to(teacher.device())));
        List<Detections> dets = teacher.detect(tensors, options.tau());
        for (int k = 0; k < indices.size(); k++) {
            out.add(record(indices.get(k), images.get(k).width(), images.get(k).height(),
                    DetectionResults.toHost(dets.get(k)), options));
        }
        return out;
    }

    /** The record of an image that could not be read: {@code {"index": i, "skipped": message}}. */
    public static ObjectNode skippedRecord(int index, String message) {
        ObjectNode rec = JSON.createObjectNode();
        rec.put("index", index);
        rec.put("skipped", message);
        return rec;
    }

    /**
     * One image's kept detections as a JSON record (pure): score >= tau, label >= 1, class-agnostic
     * NMS, at most {@code maxPerImage}.
     */
    public static ObjectNode record(int index, int width, int height, List<Detection> d, PseudoLabelOptions options) {
        ObjectNode rec = JSON.createObjectNode();
        rec.put("index", index);
        rec.put("width", width);
        rec.put("height", height);
        ArrayNode anns = rec.putArray("annotations");
        List<Detection> candidates = new ArrayList<>();
        for (Detection x : d) {
            // label 0 is torchvision's unused background channel: never an object
            if (x.score() >= options.tau() && x.label() >= 1) {
                candidates.add(x);
            }
        }
        if (candidates.isEmpty()) {
            return rec;
        }
        float[] boxes = new float[4 * candidates.size()];
        float[] scores = new float[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            Box b = candidates.get(i).box();
            boxes[4 * i] = b.x1();
            boxes[4 * i + 1] = b.y1();
            boxes[4 * i + 2] = b.x2();
            boxes[4 * i + 3] = b.y2();
            scores[i] = candidates.get(i).score();
        }
        for (int k : Nms.keep(boxes, scores, options.nmsThreshold(), options.maxPerImage())) {
            Detection x = candidates.get(k);
            Bbox box = DetectionResults.bbox(x.box());
            ObjectNode a = anns.addObject();
            a.putArray("bbox").add(box.x()).add(box.y()).add(box.width()).add(box.height());
            a.put("teacher_category_id", x.label());
            // widened here so that the JSON text round-trips to the same double (resume, Spark parts)
            a.put("teacher_score", (double) x.score());
            double area = box.width() * box.height();
            Segmentation.CompressedRle rle = DetectionResults.segmentation(x.mask());
            if (rle != null) {
                area = x.mask().area();
                ObjectNode seg = a.putObject("segmentation");
                seg.putArray("size").add(rle.height()).add(rle.width());
                seg.put("counts", rle.counts());
            }
            a.put("area", area);
        }
        return rec;
    }

    private Summary writeCoco(UnlabeledImages input, Map<Integer, JsonNode> done, Path out, int resumed) {
        Assembled a = assemble(input.fileNames(), done, options, teacherId, out.toString());
        try {
            CocoWriter.write(out, a.dataset());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        return new Summary(a.dataset().images().size(), a.dataset().annotations().size(), a.skipped(), resumed);
    }

    /**
     * The COCO file of a pseudo-labelling run and what it left out.
     *
     * @param dataset  images (ids = 1 + manifest index) and annotations (ids in manifest order)
     * @param skipped  images without a record or with a "skipped" record
     */
    public record Assembled(CocoDataset dataset, int skipped) {
    }

    /**
     * Assembles the final COCO file from per-image records (pure, deterministic): image id = manifest
     * index + 1, annotation ids 1, 2, ... in manifest order, one category "object".
     *
     * @param fileNames the manifest, in order (index i is file {@code fileNames.get(i)})
     * @param records   manifest index to record; missing or "skipped" records are left out and counted
     * @param teacherId the teacher's name written in {@code info.description}
     * @param source    a name for the dataset (not written)
     */
    public static Assembled assemble(List<String> fileNames, Map<Integer, ? extends JsonNode> records,
                                     PseudoLabelOptions options, String teacherId, String source) {
        List<CocoImage> images = new ArrayList<>();
        List<CocoAnnotation> anns = new ArrayList<>();
        int skipped = 0;
        long annId = 1;
        for (int i = 0; i < fileNames.size(); i++) {
            JsonNode rec = records.get(i);
            if (rec == null || rec.has("skipped")) {
                skipped++;
                continue;
            }
            long imageId = i + 1;
            images.add(new CocoImage(imageId, fileNames.get(i), rec.get("width").asInt(), rec.get("height").asInt()));
            for (JsonNode a : rec.get("annotations")) {
                JsonNode bb = a.get("bbox");
                Bbox box = new Bbox(bb.get(0).asDouble(), bb.get(1).asDouble(), bb.get(2).asDouble(), bb.get(3).asDouble());
                Segmentation seg = null;
                if (a.has("segmentation")) {
                    JsonNode sg = a.get("segmentation");
                    seg = new Segmentation.CompressedRle(sg.get("size").get(0).asInt(), sg.get("size").get(1).asInt(),
                            sg.get("counts").asText());
                }
                Map<String, Object> extras = new LinkedHashMap<>();
                extras.put("teacher_category_id", a.get("teacher_category_id").asLong());
                extras.put("teacher_score", a.get("teacher_score").asDouble());
                anns.add(new CocoAnnotation(annId++, imageId, 1, box, a.get("area").asDouble(), 0, seg, Double.NaN, extras));
            }
        }
        Map<String, Object> top = new LinkedHashMap<>();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "cassl pseudo-labels (tau " + options.tau() + ", class-agnostic NMS " + options.nmsThreshold()
                + ", teacher " + teacherId + ")");
        top.put("info", info);
        CocoDataset ds = CocoDataset.of(source, images, List.of(new CocoCategory(1, "object", "object")), anns, top);
        return new Assembled(ds, skipped);
    }
}
