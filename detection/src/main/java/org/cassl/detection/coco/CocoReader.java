package org.cassl.detection.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads COCO annotation files and detection-result files with Jackson's streaming parser.
 *
 * <p>Memory stays bounded by what is kept, never by the document: entries are parsed one at a
 * time (no JSON tree is built, no object mapper is involved), polygons are kept as packed
 * hundredths and RLE counts as {@code int[]} or the compressed string. {@link #stream} keeps
 * nothing at all and hands each entry to a {@link CocoHandler}.
 *
 * <p>Malformed input raises {@link CocoFormatException} naming the file, the line and column or
 * the annotation id, and the problem; a missing file raises {@link java.nio.file.NoSuchFileException}.
 */
public final class CocoReader {
    /** No object codec: {@code readTree}/{@code readValueAs} on this factory's parsers would fail, by design. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private CocoReader() {}

    /** The parser factory (exposed to tests, which check it has no object codec). */
    static JsonFactory factory() {
        return FACTORY;
    }

    /** Reads and validates an annotation file (see {@link CocoDataset#of} for the checks). */
    public static CocoDataset read(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads and validates an annotation document from a stream; {@code source} names it in errors. */
    public static CocoDataset read(InputStream in, String source) throws IOException {
        CocoDataset.Builder builder = CocoDataset.builder(source);
        stream(in, source, builder);
        return builder.build();
    }

    /** Parses an annotation file, handing each entry to {@code handler} as soon as it is read. */
    public static void stream(Path file, CocoHandler handler) throws IOException {
        try (InputStream in = open(file)) {
            stream(in, file.toString(), handler);
        }
    }

    /** Parses an annotation document from a stream, handing each entry to {@code handler}. */
    public static void stream(InputStream in, String source, CocoHandler handler) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            CocoJsonReader r = new CocoJsonReader(p, source);
            try {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw r.fail("a COCO annotation file must be a JSON object with images, annotations and categories, got "
                            + r.describe(), null);
                }
                while (r.next() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    r.next();
                    switch (name) {
                        case "images" -> {
                            r.expect(JsonToken.START_ARRAY, "'images' must be an array", null);
                            for (int i = 0; r.next() != JsonToken.END_ARRAY; i++) {
                                handler.onImage(r.readImage(i));
                            }
                        }
                        case "categories" -> {
                            r.expect(JsonToken.START_ARRAY, "'categories' must be an array", null);
                            for (int i = 0; r.next() != JsonToken.END_ARRAY; i++) {
                                handler.onCategory(r.readCategory(i));
                            }
                        }
                        case "annotations" -> {
                            r.expect(JsonToken.START_ARRAY, "'annotations' must be an array", null);
                            for (int i = 0; r.next() != JsonToken.END_ARRAY; i++) {
                                handler.onAnnotation(r.readAnnotation(i, false, 0));
                            }
                        }
                        default -> handler.onTopLevelField(name, JsonValues.read(p));
                    }
                }
                if (p.nextToken() != null) {
                    throw r.fail("unexpected content after the top-level object", null);
                }
            } catch (JsonProcessingException e) {
                throw syntaxError(source, e);
            }
        }
    }

    /**
     * Reads a results file: a JSON array of detections ({@code image_id}, {@code category_id},
     * {@code score}, and {@code bbox} and/or {@code segmentation}, extra fields kept). Ids are
     * assigned 1..N in file order, as pycocotools' {@code loadRes} does; area and missing boxes are
     * filled in later by {@code org.cassl.detection.coco.eval.LoadRes}.
     */
    public static List<CocoAnnotation> readResults(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readResults(in, file.toString());
        }
    }

    /** Reads a results array from a stream; {@code source} names it in errors. */
    public static List<CocoAnnotation> readResults(InputStream in, String source) throws IOException {
        List<CocoAnnotation> out = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(in)) {
            CocoJsonReader r = new CocoJsonReader(p, source);
            try {
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw r.fail("a results file must be a JSON array of detections, got " + r.describe(), null);
                }
                for (int i = 0; r.next() != JsonToken.END_ARRAY; i++) {
                    out.add(r.readAnnotation(i, true, i + 1L));
                }
                if (p.nextToken() != null) {
                    throw r.fail("unexpected content after the results array", null);
                }
            } catch (JsonProcessingException e) {
                throw syntaxError(source, e);
            }
        }
        return out;
    }

    private static InputStream open(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    private static CocoFormatException syntaxError(String source, JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? source : source + ", line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new CocoFormatException(where + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
}
