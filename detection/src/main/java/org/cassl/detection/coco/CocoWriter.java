package org.cassl.detection.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes COCO annotation files and detection-result arrays with Jackson's streaming generator.
 * A file is written to a temporary sibling and renamed over the target only when complete, so a
 * reader never sees half a file and a failed write leaves the old file untouched.
 */
public final class CocoWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private CocoWriter() {}

    /** Writes {@code dataset} (top-level extras, images, annotations, categories) to {@code file} atomically. */
    public static void write(Path file, CocoDataset dataset) throws IOException {
        atomically(file, out -> write(out, dataset));
    }

    /** Writes {@code dataset} as one JSON object to a stream (not closed). */
    public static void write(OutputStream out, CocoDataset dataset) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : dataset.topLevelFields().entrySet()) {
                g.writeFieldName(e.getKey());
                JsonValues.write(g, e.getValue());
            }
            g.writeArrayFieldStart("images");
            for (CocoImage im : dataset.images()) {
                writeImage(g, im);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            for (CocoAnnotation a : dataset.annotations()) {
                writeAnnotation(g, a, false);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (CocoCategory c : dataset.categories()) {
                writeCategory(g, c);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * Writes detections as a results array ({@code image_id}, {@code category_id}, {@code bbox},
     * {@code score}, {@code segmentation} where present, extra fields) to {@code file} atomically.
     * Ids, areas and crowd flags are not written: pycocotools' loadRes recomputes them.
     */
    public static void writeResults(Path file, List<CocoAnnotation> results) throws IOException {
        atomically(file, out -> writeResults(out, results));
    }

    /** Writes a results array to a stream (not closed). */
    public static void writeResults(OutputStream out, List<CocoAnnotation> results) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartArray();
            for (CocoAnnotation a : results) {
                writeAnnotation(g, a, true);
            }
            g.writeEndArray();
        }
    }

    private static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    private static void writeImage(JsonGenerator g, CocoImage im) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", im.id());
        if (im.fileName() != null) {
            g.writeStringField("file_name", im.fileName());
        }
        g.writeNumberField("width", im.width());
        g.writeNumberField("height", im.height());
        writeExtras(g, im.extras());
        g.writeEndObject();
    }

    private static void writeCategory(JsonGenerator g, CocoCategory c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", c.id());
        g.writeStringField("name", c.name());
        if (c.supercategory() != null) {
            g.writeStringField("supercategory", c.supercategory());
        }
        writeExtras(g, c.extras());
        g.writeEndObject();
    }

    private static void writeAnnotation(JsonGenerator g, CocoAnnotation a, boolean result) throws IOException {
        g.writeStartObject();
        if (!result) {
            g.writeNumberField("id", a.id());
        }
        g.writeNumberField("image_id", a.imageId());
        g.writeNumberField("category_id", a.categoryId());
        if (a.bbox() != null) {
            g.writeFieldName("bbox");
            g.writeArray(a.bbox().toArray(), 0, 4);
        }
        if (!result) {
            if (a.hasArea()) {
                g.writeNumberField("area", a.area());
            }
            g.writeNumberField("iscrowd", a.iscrowd());
        }
        if (a.segmentation() != null) {
            g.writeFieldName("segmentation");
            writeSegmentation(g, a.segmentation());
        }
        if (a.hasScore()) {
            g.writeNumberField("score", a.score());
        }
        writeExtras(g, a.extras());
        g.writeEndObject();
    }

    /** Writes a segmentation in the form it has (polygons, uncompressed or compressed RLE). */
    static void writeSegmentation(JsonGenerator g, Segmentation s) throws IOException {
        if (s instanceof Segmentation.Polygons p) {
            g.writeStartArray();
            for (Polygon poly : p.parts()) {
                double[] v = poly.toArray();
                g.writeArray(v, 0, v.length);
            }
            g.writeEndArray();
        } else if (s instanceof Segmentation.UncompressedRle r) {
            g.writeStartObject();
            g.writeFieldName("size");
            g.writeArray(new int[] {r.height(), r.width()}, 0, 2);
            g.writeFieldName("counts");
            g.writeArray(r.counts(), 0, r.counts().length);
            g.writeEndObject();
        } else if (s instanceof Segmentation.CompressedRle r) {
            g.writeStartObject();
            g.writeFieldName("size");
            g.writeArray(new int[] {r.height(), r.width()}, 0, 2);
            g.writeStringField("counts", r.counts());
            g.writeEndObject();
        }
    }

    private static void writeExtras(JsonGenerator g, Map<String, Object> extras) throws IOException {
        for (Map.Entry<String, Object> e : extras.entrySet()) {
            g.writeFieldName(e.getKey());
            JsonValues.write(g, e.getValue());
        }
    }

    /** The body that writes the file's bytes. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes to a temporary file next to {@code file}, then renames it over {@code file}. */
    static void atomically(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
