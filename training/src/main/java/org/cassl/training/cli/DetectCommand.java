package org.cassl.training.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.cassl.detection.Detections;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.coco.CocoWriter;
import org.cassl.detection.coco.Segmentation;
import org.cassl.detection.fcos.Fcos;
import org.cassl.tensor.Device;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.cassl.training.detection.DetectionResults;
import org.cassl.training.report.DetectionDrawer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cassl detect}: inference on images or a whole COCO dataset. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = {"Run a detector on images. Prints (or writes with --out) a JSON array, one entry per image in order:",
            "{\"image\", \"width\", \"height\", \"detections\": [{\"bbox\": [x1,y1,x2,y2], \"score\", \"label\"}, ...]}",
            "with boxes in original-image pixels sorted by descending score (plus \"segmentation\" as COCO RLE",
            "when the model has a mask head). With --ann/--images --format coco it writes COCO results instead."})
final class DetectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--config", required = true, paramLabel = "C.json", description = "Model config JSON.")
    Path config;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "Model weights.")
    Path weights;

    @Option(names = "--score-thresh", paramLabel = "T", description = "Override the config's score threshold.")
    Double scoreThresh;

    @Option(names = "--out", paramLabel = "F.json", description = "Write the JSON here instead of stdout.")
    Path out;

    @Option(names = "--draw", paramLabel = "DIR", description = "Write a PNG per image with the detections drawn.")
    Path draw;

    @Option(names = "--batch", defaultValue = CliDefaults.DETECT_BATCH, description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    DatasetInput dataset;

    static final class DatasetInput {
        @Option(names = "--ann", required = true, paramLabel = "A.json", description = "COCO annotation file listing the images.")
        Path ann;

        @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the file names are relative to.")
        Path images;

        @Option(names = "--format", defaultValue = "coco", paramLabel = "coco|json",
                description = "coco: a COCO results array (default); json: the per-image format.")
        String format;
    }

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image files (PNG, JPEG, ...).")
    List<Path> imageFiles = new ArrayList<>();

    @Mixin
    ComputeOptions compute;

    private record Item(long id, Path path, String shown) {
    }

    @Override
    public Integer call() throws Exception {
        Device device = compute.apply();
        List<Item> items = new ArrayList<>();
        Map<Long, String> names = new TreeMap<>();
        boolean coco = false;
        if (dataset != null) {
            if (!imageFiles.isEmpty()) {
                throw new UserInputException("give either IMAGE files or --ann/--images, not both");
            }
            if (!dataset.format.equals("coco") && !dataset.format.equals("json")) {
                throw new UserInputException("--format must be coco or json, got " + dataset.format);
            }
            coco = dataset.format.equals("coco");
            CocoDataset ds = CocoReader.read(dataset.ann);
            DatasetRoot root = new DatasetRoot(dataset.images);
            for (CocoImage im : ds.images()) {
                items.add(new Item(im.id(), root.resolve(im.fileName()), im.fileName()));
            }
            for (CocoCategory c : ds.categories()) {
                names.put(c.id(), c.name());
            }
        } else {
            if (imageFiles.isEmpty()) {
                throw new UserInputException("no images given (IMAGE... or --ann A.json --images DIR)");
            }
            long id = 0;
            for (Path p : imageFiles) {
                items.add(new Item(id++, p, p.toString()));
            }
        }
        for (Item it : items) {
            if (!Files.isRegularFile(it.path())) {
                throw new UserInputException("image not found: " + it.path());
            }
        }
        if (batch < 1) {
            throw new UserInputException("--batch must be at least 1, got " + batch);
        }
        FcosConfig cfg = ModelFiles.config(config);
        if (scoreThresh != null) {
            if (!(scoreThresh >= 0 && scoreThresh <= 1)) {
                throw new UserInputException("--score-thresh must be in [0, 1], got " + scoreThresh);
            }
            cfg = cfg.withScoreThresh(scoreThresh);
        }
        Fcos model = ModelFiles.load(cfg, weights, device);
        model.train(false);
        ArrayNode perImage = JSON.createArrayNode();
        List<CocoAnnotation> results = new ArrayList<>();
        for (int s = 0; s < items.size(); s += batch) {
            List<Item> chunk = items.subList(s, Math.min(items.size(), s + batch));
            List<RgbImage> decoded = new ArrayList<>();
            List<Tensor> tensors = new ArrayList<>();
            for (Item it : chunk) {
                RgbImage im = Images.read(it.path());
                decoded.add(im);
                tensors.add(im.toTensor().to(device));
            }
            List<Detections> dets = model.detect(tensors);
            for (int i = 0; i < chunk.size(); i++) {
                Item it = chunk.get(i);
                Detections d = dets.get(i);
                List<CocoAnnotation> r = DetectionResults.toCoco(it.id(), d);
                results.addAll(r);
                perImage.add(entry(it, decoded.get(i), r));
                if (draw != null) {
                    drawOne(it, decoded.get(i), d, names);
                }
            }
        }
        String text;
        if (coco) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CocoWriter.writeResults(buf, results);
            text = buf.toString(StandardCharsets.UTF_8);
        } else {
            text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(perImage) + "\n";
        }
        if (out != null) {
            AtomicFiles.writeString(out, text);
            System.err.println("cassl detect: " + items.size() + " image(s), " + results.size() + " detection(s) -> " + out);
        } else {
            System.out.print(text);
        }
        return 0;
    }

    private static ObjectNode entry(Item it, RgbImage im, List<CocoAnnotation> dets) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", it.shown());
        o.put("width", im.width());
        o.put("height", im.height());
        ArrayNode arr = o.putArray("detections");
        for (CocoAnnotation a : dets) {
            ObjectNode d = arr.addObject();
            ArrayNode b = d.putArray("bbox");
            b.add(a.bbox().x()).add(a.bbox().y()).add(a.bbox().x2()).add(a.bbox().y2());
            d.put("score", a.score());
            d.put("label", a.categoryId());
            if (a.segmentation() instanceof Segmentation.CompressedRle rle) {
                ObjectNode seg = d.putObject("segmentation");
                seg.putArray("size").add(rle.height()).add(rle.width());
                seg.put("counts", rle.counts());
            }
        }
        return o;
    }

    private void drawOne(Item it, RgbImage im, Detections d, Map<Long, String> names) {
        List<DetectionDrawer.Item> items = new ArrayList<>();
        float[] b = d.boxes().toFloatArray();
        float[] s = d.scores().toFloatArray();
        long[] l = d.labels().toLongArray();
        float[] masks = d.masks() != null ? d.masks().toFloatArray() : null;
        int plane = im.height() * im.width();
        for (int i = 0; i < d.size(); i++) {
            boolean[] m = null;
            if (masks != null) {
                m = new boolean[plane];
                for (int k = 0; k < plane; k++) {
                    m[k] = masks[i * plane + k] >= 0.5f;
                }
            }
            String name = names.getOrDefault(l[i], Long.toString(l[i]));
            items.add(new DetectionDrawer.Item(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], (int) l[i],
                    String.format(Locale.ROOT, "%s %.2f", name, s[i]), m));
        }
        int zoom = Math.max(1, 512 / Math.max(im.width(), im.height()));
        String base = it.path().getFileName().toString();
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        DetectionDrawer.writePng(DetectionDrawer.draw(Images.toBufferedImage(im), items, zoom), draw.resolve(stem + ".png"));
    }
}
