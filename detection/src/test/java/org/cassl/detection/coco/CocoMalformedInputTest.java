package org.cassl.detection.coco;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each malformed input raises CocoFormatException naming the file, the place and the problem. */
class CocoMalformedInputTest {
    @TempDir
    Path tmp;

    private static final String OK_ANN = "{\"id\": 10, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 2, 2], \"area\": 4}";

    private String failOnFile(String json) throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, json);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    private static String fail(String json) {
        CocoFormatException e = assertThrows(CocoFormatException.class,
                () -> CocoReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "gt.json"));
        return e.getMessage();
    }

    private static String failResults(String json) {
        CocoFormatException e = assertThrows(CocoFormatException.class,
                () -> CocoReader.readResults(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "dt.json"));
        return e.getMessage();
    }

    private static void assertHas(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "expected '" + p + "' in: " + msg);
        }
    }

    @Test
    void missingFieldNamesLineColumnAndId() throws Exception {
        String msg = failOnFile(CocoReaderTest.gt(OK_ANN + ",\n  {\"id\": 11, \"image_id\": 1, \"category_id\": 7}"));
        assertHas(msg, "line 6, column 3", "annotation id 11", "missing required field 'bbox'");
    }

    @Test
    void wrongTypes() {
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": \"abc\", \"category_id\": 7, \"bbox\": [0, 0, 1, 1]}")),
                "gt.json, line 5", "annotation id 11", "'image_id' must be an integer, got the string \"abc\"");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 1.5, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1]}")),
                "annotations[0]", "'id' must be an integer, got the number 1.5");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": \"0 0 1 1\"}")),
                "'bbox' must be an array");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1]}")),
                "'bbox' must have 4 numbers", "got 3");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1], \"iscrowd\": 2}")),
                "'iscrowd' must be 0 or 1");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1], \"segmentation\": 5}")),
                "annotation id 11", "'segmentation' must be a list of polygons or an RLE object");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1], \"segmentation\": [[1, \"x\"]]}")),
                "'segmentation' must be a number");
        assertHas(fail("{\"images\": [{\"id\": 1, \"width\": 0, \"height\": 5}]}"), "image id 1", "image size must be positive");
        assertHas(fail("{\"images\": {}}"), "'images' must be an array, got an object");
        assertHas(fail("[1, 2]"), "must be a JSON object");
    }

    @Test
    void negativeBoxSize() {
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [5, 5, -1, 2]}")),
                "gt.json, line 5", "annotation id 11", "negative size (width -1.0");
        assertHas(failResults("[{\"image_id\": 1, \"category_id\": 7, \"bbox\": [5, 5, 1, -2], \"score\": 1}]"),
                "dt.json, line 1", "result 1", "negative size");
    }

    @Test
    void unknownReferencesAndDuplicates() {
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 99, \"category_id\": 7, \"bbox\": [0, 0, 1, 1]}")),
                "gt.json: annotation id 11", "image_id 99 is not in 'images'");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 8, \"bbox\": [0, 0, 1, 1]}")),
                "annotation id 11", "category_id 8 is not in 'categories'");
        assertHas(fail(CocoReaderTest.gt(OK_ANN + "," + OK_ANN)), "duplicate annotation id 10");
        assertHas(fail("{\"images\": [{\"id\": 1, \"width\": 1, \"height\": 1}, {\"id\": 1, \"width\": 1, \"height\": 1}]}"),
                "duplicate image id 1");
        assertHas(fail("{\"categories\": [{\"id\": 1, \"name\": \"a\"}, {\"id\": 1, \"name\": \"b\"}]}"),
                "duplicate category id 1");
    }

    @Test
    void rleProblems() {
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"size\": [4, 5], \"counts\": [20]}}")),
                "annotation id 11", "RLE size [4, 5] does not match image 1 (height 5, width 4)");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"size\": [5, 4], \"counts\": [3, 4]}}")),
                "line 5", "annotation id 11", "RLE counts add up to 7 pixels but size 5x4 has 20");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"counts\": [20]}}")),
                "needs both 'counts' and 'size'");
        assertHas(fail(CocoReaderTest.gt("{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1],"
                + " \"segmentation\": {\"size\": [5, 4], \"counts\": [-1, 21]}}")),
                "RLE count -1 is negative");
    }

    @Test
    void syntaxErrorsAndTruncation() throws Exception {
        assertHas(failOnFile("{\"images\": [{\"id\": 1,, }]}"), "line 1, column 22", "malformed JSON");
        assertHas(failOnFile("{\"images\": [{\"id\": 1, \"width\": 3"), "malformed JSON");
        assertHas(fail("{} {}"), "unexpected content after the top-level object");
    }

    @Test
    void resultsProblems() {
        assertHas(failResults("{\"annotations\": []}"), "dt.json", "must be a JSON array of detections");
        assertHas(failResults("[{\"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1]}]"),
                "result 1", "missing required field 'score'");
        assertHas(failResults("[{\"image_id\": 1, \"category_id\": 7, \"score\": 0.5}]"),
                "result 1", "needs 'bbox' or 'segmentation'");
        assertHas(failResults("[{\"image_id\": 1, \"category_id\": 7, \"bbox\": [0, 0, 1, 1], \"score\": \"high\"}]"),
                "'score' must be a number");
    }
}
