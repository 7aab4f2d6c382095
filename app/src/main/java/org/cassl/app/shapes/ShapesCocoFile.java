package org.cassl.app.shapes;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes COCO-format annotation files for the shapes dataset with Jackson's streaming generator,
 * in a fixed field order, so equal inputs give byte-identical files.
 *
 * <p>Image ids and annotation ids start at 1. Boxes {@code [x, y, w, h]}, areas and polygon
 * coordinates are whole numbers because everything is measured in pixel corners; {@code area} is
 * the visible pixel count, which equals the area of the polygons.
 */
final class ShapesCocoFile {
    private static final JsonFactory JSON = new JsonFactory();

    private ShapesCocoFile() {
    }

    /** One image and its (already filtered) annotations. */
    record ImageEntry(int id, String fileName, int width, int height, List<Annotation> annotations) {
    }

    /** One object annotation, without the pixel mask (the polygons carry the same region). */
    record Annotation(int categoryId, int x, int y, int w, int h, int area, List<int[]> polygons) {
        static Annotation of(ShapeInstance s) {
            return new Annotation(s.categoryId(), s.x(), s.y(), s.width(), s.height(), s.area(), s.polygons());
        }
    }

    /** One category: id, name and supercategory ("shape" for labeled, "novel" for novel kinds). */
    record Category(int id, String name, String supercategory) {
    }

    /**
     * Writes one annotation file.
     *
     * @param withAnnotations false writes an image list with an empty {@code annotations} array
     */
    static void write(Path file, String split, long seed, List<ImageEntry> images,
                      List<Category> categories, boolean withAnnotations) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new OnePerLine());
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "cassl synthetic shapes dataset");
            g.writeStringField("split", split);
            g.writeNumberField("seed", seed);
            g.writeStringField("version", "1");
            g.writeEndObject();
            g.writeArrayFieldStart("licenses");
            g.writeEndArray();
            g.writeArrayFieldStart("images");
            for (ImageEntry image : images) {
                g.writeStartObject();
                g.writeNumberField("id", image.id());
                g.writeStringField("file_name", image.fileName());
                g.writeNumberField("width", image.width());
                g.writeNumberField("height", image.height());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            int nextId = 1;
            if (withAnnotations) {
                for (ImageEntry image : images) {
                    for (Annotation a : image.annotations()) {
                                writeAnnotation(g, nextId++, image.id(), a);
                    }
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (Category c : categories) {
                g.writeStartObject();
                g.writeNumberField("id", c.id());
                g.writeStringField("name", c.name());
                g.writeStringField("supercategory", c.supercategory());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    /**
     * Compact JSON except that each element of the top-level arrays (images, annotations,
     * categories) starts a new line, so the files stay small but can be read and diffed.
     */
    private static final class OnePerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        private static boolean topLevelArray(JsonGenerator g) {
            JsonStreamContext ctx = g.getOutputContext();
            return ctx.inArray() && ctx.getParent() != null && ctx.getParent().getParent() != null
                    && ctx.getParent().getParent().inRoot();
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (topLevelArray(g)) {
                g.writeRaw('\n');
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            if (topLevelArray(g)) {
                g.writeRaw('\n');
            }
        }
    }

    private static void writeAnnotation(JsonGenerator g, int id, int imageId, Annotation a) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeNumberField("image_id", imageId);
        g.writeNumberField("category_id", a.categoryId());
        g.writeArrayFieldStart("bbox");
        g.writeNumber(a.x());
        g.writeNumber(a.y());
        g.writeNumber(a.w());
        g.writeNumber(a.h());
        g.writeEndArray();
        g.writeNumberField("area", a.area());
        g.writeNumberField("iscrowd", 0);
        g.writeArrayFieldStart("segmentation");
        for (int[] polygon : a.polygons()) {
            g.writeStartArray();
            for (int v : polygon) {
                g.writeNumber(v);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
