package org.cassl.detection.coco;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token-level parsing of COCO entries with a streaming {@link JsonParser}: one image, category,
 * annotation or result object at a time, never a tree of the document. Every error names the
 * source, the line and column, the entry's id when known, and what is wrong.
 */
final class CocoJsonReader {
    private final JsonParser p;
    private final String source;

    CocoJsonReader(JsonParser parser, String source) {
        this.p = parser;
        this.source = source;
    }

    /** Advances to the next token, failing with a clear message at end of input. */
    JsonToken next() throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw fail("unexpected end of input", null);
        }
        return t;
    }

    JsonParser parser() {
        return p;
    }

    /** An exception at the parser's current location. */
    CocoFormatException fail(String what, String entry) {
        return failAt(p.currentTokenLocation(), what, entry);
    }

    CocoFormatException failAt(JsonLocation loc, String what, String entry) {
        String where = source + ", line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
        return new CocoFormatException(where + (entry == null ? "" : entry + ": ") + what);
    }

    void expect(JsonToken expected, String what, String entry) throws IOException {
        if (p.currentToken() != expected) {
            throw fail(what + ", got " + describe(), entry);
        }
    }

    /** What the current token is, for messages. */
    String describe() throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "end of input";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "the string \"" + abbreviate(p.getText()) + "\"";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "the number " + p.getText();
            case VALUE_TRUE: case VALUE_FALSE: return "the boolean " + p.getText();
            case VALUE_NULL: return "null";
            default: return t.toString();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    // ---------------------------------------------------------------- scalars

    /** An integer id or count; integral floats such as {@code 3.0} are accepted as Python would. */
    long readLong(String field, String entry) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw fail("'" + field + "' " + p.getText() + " does not fit in 64 bits", entry);
            }
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                return (long) d;
            }
        }
        throw fail("'" + field + "' must be an integer, got " + describe(), entry);
    }

    int readInt(String field, String entry) throws IOException {
        long v = readLong(field, entry);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw fail("'" + field + "' " + v + " is out of the 32-bit range", entry);
        }
        return (int) v;
    }

    /** A finite number. */
    double readDouble(String field, String entry) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw fail("'" + field + "' must be a number, got " + describe(), entry);
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw fail("'" + field + "' must be finite, got " + p.getText(), entry);
        }
        return d;
    }

    String readString(String field, String entry) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw fail("'" + field + "' must be a string, got " + describe(), entry);
        }
        return p.getText();
    }

    /** {@code iscrowd}: 0/1 or a boolean. */
    int readCrowd(String entry) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE ? 1 : 0;
        }
        long v = readLong("iscrowd", entry);
        if (v != 0 && v != 1) {
            throw fail("'iscrowd' must be 0 or 1, got " + v, entry);
        }
        return (int) v;
    }

    /** {@code [x, y, w, h]} with finite values and non-negative size. */
    Bbox readBbox(String entry) throws IOException {
        expect(JsonToken.START_ARRAY, "'bbox' must be an array [x, y, width, height]", entry);
        JsonLocation start = p.currentTokenLocation();
        double[] v = new double[4];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            double d = readDouble("bbox", entry);
            if (n < 4) {
                v[n] = d;
            }
            n++;
        }
        if (n != 4) {
            throw failAt(start, "'bbox' must have 4 numbers [x, y, width, height], got " + n, entry);
        }
        if (v[2] < 0 || v[3] < 0) {
            throw failAt(start, "'bbox' has negative size (width " + v[2] + ", height " + v[3] + ")", entry);
        }
        return new Bbox(v[0], v[1], v[2], v[3]);
    }

    // ---------------------------------------------------------------- segmentation

    /** Polygons, uncompressed RLE or compressed RLE; {@code null} for a JSON null. */
    Segmentation readSegmentation(String entry) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Polygon> parts = new ArrayList<>(1);
            while (next() != JsonToken.END_ARRAY) {
                expect(JsonToken.START_ARRAY, "each polygon of 'segmentation' must be an array of numbers", entry);
                parts.add(Polygon.of(readNumberArray(entry)));
            }
            return new Segmentation.Polygons(parts);
        }
        if (t == JsonToken.START_OBJECT) {
            return readRle(entry);
        }
        throw fail("'segmentation' must be a list of polygons or an RLE object {counts, size}, got " + describe(), entry);
    }

    private double[] readNumberArray(String entry) throws IOException {
        double[] buf = new double[16];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            double d = readDouble("segmentation", entry);
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = d;
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    private Segmentation readRle(String entry) throws IOException {
        JsonLocation start = p.currentTokenLocation();
        int[] size = null;
        int[] counts = null;
        String compressed = null;
        while (next() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            next();
            if (name.equals("size")) {
                expect(JsonToken.START_ARRAY, "RLE 'size' must be [height, width]", entry);
                List<Integer> s = new ArrayList<>(2);
                while (next() != JsonToken.END_ARRAY) {
                    s.add(readInt("size", entry));
                }
                if (s.size() != 2 || s.get(0) < 0 || s.get(1) < 0) {
                    throw failAt(start, "RLE 'size' must be [height, width] with two non-negative integers, got " + s, entry);
                }
                size = new int[] {s.get(0), s.get(1)};
            } else if (name.equals("counts")) {
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    compressed = p.getText();
                } else {
                    expect(JsonToken.START_ARRAY, "RLE 'counts' must be a list of integers or a compressed string", entry);
                    counts = readCounts(entry);
                }
            } else {
                p.skipChildren();
            }
        }
        if (size == null || (counts == null && compressed == null)) {
            throw failAt(start, "RLE segmentation needs both 'counts' and 'size'", entry);
        }
        if (compressed != null) {
            return new Segmentation.CompressedRle(size[0], size[1], compressed);
        }
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        long pixels = (long) size[0] * size[1];
        if (sum != pixels) {
            throw failAt(start, "RLE counts add up to " + sum + " pixels but size " + size[0] + "x" + size[1]
                    + " has " + pixels, entry);
        }
        return new Segmentation.UncompressedRle(size[0], size[1], counts);
    }

    private int[] readCounts(String entry) throws IOException {
        int[] buf = new int[16];
        int n = 0;
        while (next() != JsonToken.END_ARRAY) {
            long c = readLong("counts", entry);
            if (c < 0 || c > Integer.MAX_VALUE) {
                throw fail("RLE count " + c + " is negative or too large", entry);
            }
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (int) c;
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    // ---------------------------------------------------------------- entries

    CocoImage readImage(int index) throws IOException {
        String entry = "images[" + index + "]";
        expect(JsonToken.START_OBJECT, "each image must be an object", entry);
        JsonLocation start = p.currentTokenLocation();
        Long id = null;
        Integer width = null;
        Integer height = null;
        String fileName = null;
        Map<String, Object> extras = null;
        while (next() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            next();
            switch (name) {
                case "id" -> {
                    id = readLong("id", entry);
                    entry = "image id " + id;
                }
                case "width" -> width = readInt("width", entry);
                case "height" -> height = readInt("height", entry);
                case "file_name" -> fileName = p.currentToken() == JsonToken.VALUE_NULL ? null : readString("file_name", entry);
                default -> extras = putExtra(extras, name);
            }
        }
        requireField(id, "id", start, entry);
        requireField(width, "width", start, entry);
        requireField(height, "height", start, entry);
        if (width <= 0 || height <= 0) {
            throw failAt(start, "image size must be positive, got width " + width + ", height " + height, entry);
        }
        return new CocoImage(id, fileName, width, height, extras);
    }

    CocoCategory readCategory(int index) throws IOException {
        String entry = "categories[" + index + "]";
        expect(JsonToken.START_OBJECT, "each category must be an object", entry);
        JsonLocation start = p.currentTokenLocation();
        Long id = null;
        String name = null;
        String supercategory = null;
        Map<String, Object> extras = null;
        while (next() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            next();
            switch (field) {
                case "id" -> {
                    id = readLong("id", entry);
                    entry = "category id " + id;
                }
                case "name" -> name = readString("name", entry);
                case "supercategory" -> supercategory = p.currentToken() == JsonToken.VALUE_NULL ? null
                        : readString("supercategory", entry);
                default -> extras = putExtra(extras, field);
            }
        }
        requireField(id, "id", start, entry);
        requireField(name, "name", start, entry);
        return new CocoCategory(id, name, supercategory, extras);
    }

    /**
     * One annotation ({@code result == false}: id, image_id, category_id and bbox required) or one
     * detection result ({@code result == true}: image_id, category_id, score and bbox or
     * segmentation required; its id becomes {@code resultId}, as pycocotools' loadRes numbers them).
     */
    CocoAnnotation readAnnotation(int index, boolean result, long resultId) throws IOException {
        String entry = result ? "result " + (index + 1) : "annotations[" + index + "]";
        expect(JsonToken.START_OBJECT, "each " + (result ? "result" : "annotation") + " must be an object", entry);
        JsonLocation start = p.currentTokenLocation();
        Long id = result ? resultId : null;
        Long imageId = null;
        Long categoryId = null;
        Bbox bbox = null;
        double area = Double.NaN;
        int iscrowd = 0;
        Segmentation segmentation = null;
        double score = Double.NaN;
        Map<String, Object> extras = null;
        while (next() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            next();
            switch (name) {
                case "id" -> {
                    if (result) {
                        p.skipChildren(); // loadRes renumbers results 1..N whatever they carried
                    } else {
                        id = readLong("id", entry);
                        entry = "annotation id " + id;
                    }
                }
                case "image_id" -> imageId = readLong("image_id", entry);
                case "category_id" -> categoryId = readLong("category_id", entry);
                case "bbox" -> bbox = readBbox(entry);
                case "area" -> {
                    area = readDouble("area", entry);
                    if (area < 0) {
                        throw fail("'area' must not be negative, got " + area, entry);
                    }
                }
                case "iscrowd" -> iscrowd = readCrowd(entry);
                case "segmentation" -> segmentation = readSegmentation(entry);
                case "score" -> score = readDouble("score", entry);
                default -> extras = putExtra(extras, name);
            }
        }
        requireField(id, "id", start, entry);
        requireField(imageId, "image_id", start, entry);
        requireField(categoryId, "category_id", start, entry);
        if (result) {
            if (Double.isNaN(score)) {
                throw failAt(start, "missing required field 'score'", entry);
            }
            if (bbox == null && segmentation == null) {
                throw failAt(start, "a result needs 'bbox' or 'segmentation'", entry);
            }
        } else {
            requireField(bbox, "bbox", start, entry);
        }
        return new CocoAnnotation(id, imageId, categoryId, bbox, area, iscrowd, segmentation, score, extras);
    }

    private Map<String, Object> putExtra(Map<String, Object> extras, String name) throws IOException {
        Map<String, Object> m = extras == null ? new LinkedHashMap<>(4) : extras;
        m.put(name, JsonValues.read(p));
        return m;
    }

    private void requireField(Object value, String field, JsonLocation start, String entry) {
        if (value == null) {
            throw failAt(start, "missing required field '" + field + "'", entry);
        }
    }
}
