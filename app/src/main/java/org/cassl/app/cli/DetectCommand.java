package org.cassl.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.cassl.app.report.DetectionDrawer;
import org.cassl.detection.coco.CocoAnnotation;
import org.cassl.detection.coco.CocoCategory;
import org.cassl.detection.coco.CocoDataset;
import org.cassl.detection.coco.CocoImage;
import org.cassl.detection.coco.CocoReader;
import org.cassl.detection.coco.CocoWriter;
import org.cassl.tensor.Tensor;
import org.cassl.training.UserInputException;
import org.cassl.training.api.Defaults;
import org.cassl.training.api.Detection;
import org.cassl.training.api.Detector;
import org.cassl.training.data.DatasetRoot;
import org.cassl.training.data.Images;
import org.cassl.training.data.RgbImage;
import org.cassl.training.eval.DetectionResults;
import org.cassl.training.io.AtomicFiles;
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

    @Option(names = "--weights", required = true, paramLabel = "W", description = "Model weights (safetensors, or a PyTorch .pth/.pt checkpoint).")
    Path weights;

    @Option(names = "--score-thresh", paramLabel = "T", description = "Override the config's score threshold.")
    Double scoreThresh;

    @Option(names = "--out", paramLabel = "F.json", description = "Write the JSON here instead of stdout.")
    Path out;

    @Option(names = "--draw", paramLabel = "DIR", description = "Write a PNG per image with the detections drawn.")
    Path draw;

    @Option(names = "--batch", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch = Defaults.DETECT_BATCH;

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
        String device = compute.apply();
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
        Detector.Builder builder = Detector.builder(config, weights).device(device).batchSize(batch);
        if (scoreThresh != null) {
            builder.scoreThreshold(scoreThresh);
        }
        ArrayNode perImage = JSON.createArrayNode();
        List<CocoAnnotation> results = new ArrayList<>();
        try (Detector detector = builder.build()) {
            for (int s = 0; s < items.size(); s += batch) {
                List<Item> chunk = items.subList(s, Math.min(items.size(), s + batch));
                List<RgbImage> decoded = new ArrayList<>();
                List<Tensor> tensors = new ArrayList<>();
                for (Item it : chunk) {
                    RgbImage im = Images.read(it.path());
                    decoded.add(im);
                    tensors.add(im.toTensor());
                }
                List<List<Detection>> dets = detector.detectAll(tensors);
                for (int i = 0; i < chunk.size(); i++) {
                    Item it = chunk.get(i);
                    List<Detection> d = dets.get(i);
                    results.addAll(DetectionResults.toCoco(it.id(), d));
                    perImage.add(entry(it, decoded.get(i), d));
                    if (draw != null) {
                        drawOne(it, decoded.get(i), d, names);
                    }
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

    /** One image's entry of the per-image JSON format (also what {@code cassl serve} answers). */
    static ObjectNode entry(Item it, RgbImage im, List<Detection> dets) {
        return DetectionJson.entry(it.shown(), im.width(), im.height(), dets);
    }

    private void drawOne(Item it, RgbImage im, List<Detection> dets, Map<Long, String> names) {
        List<DetectionDrawer.Item> items = new ArrayList<>();
        for (Detection d : dets) {
            items.add(DetectionDrawer.Item.of(d, names.getOrDefault((long) d.label(), Integer.toString(d.label()))));
        }
        int zoom = Math.max(1, 512 / Math.max(im.width(), im.height()));
        String base = it.path().getFileName().toString();
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        DetectionDrawer.writePng(DetectionDrawer.draw(Images.toBufferedImage(im), items, zoom), draw.resolve(stem + ".png"));
    }
}
