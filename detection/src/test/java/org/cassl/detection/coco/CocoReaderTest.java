package org.cassl.detection.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cassl.detection.coco.mask.Rle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoReaderTest {
    @TempDir
    Path tmp;

    static CocoDataset parse(String json) throws IOException {
        return CocoReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    static String gt(String annotations) {
        return "{\"info\": {\"year\": 2017},\n"
                + "\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 5, \"license\": 3},\n"
                + "             {\"id\": 2, \"file_name\": \"b.jpg\", \"width\": 8, \"height\": 6}],\n"
                + "\"categories\": [{\"id\": 7, \"name\": \"cat\", \"supercategory\": \"animal\"}, {\"id\": 3, \"name\": \"dog\"}],\n"
                + "\"annotations\": [" + annotations + "]}";
    }

    static final String GOOD_ANNS =
            "{\"id\": 10, \"image_id\": 1, \"category_id\": 7, \"bbox\": [0.5, 1, 2, 3.25], \"area\": 6.5, \"iscrowd\": 0,"
            + " \"segmentation\": [[0.5, 1, 2.5, 1, 2.5, 4.25, 20.9, 0.123456789]], \"teacher_score\": 0.75, \"teacher_category_id\": 3},\n"
            + "{\"id\": 11, \"image_id\": 2, \"category_id\": 3, \"bbox\": [1, 1, 2, 2], \"area\": 4, \"iscrowd\": 1,"
            + " \"segmentation\": {\"size\": [6, 8], \"counts\": [7, 2, 4, 2, 33]}},\n"
            + "{\"id\": 12, \"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"area\": 1,"
            + " \"segmentation\": {\"size\": [5, 4], \"counts\": \"05?\"}, \"score\": 0.5}";

    @Test
    void readsAllSegmentationFormsAndExtras() throws IOException {
        CocoDataset ds = parse(gt(GOOD_ANNS));
        assertEquals(2, ds.images().size());
        assertEquals(new CocoImage(1, "a.jpg", 4, 5, Map.of("license", 3)), ds.image(1));
        assertEquals(Map.of("info", Map.of("year", 2017)), ds.topLevelFields());
        assertEquals(List.of(7L, 3L), ds.categories().stream().map(CocoCategory::id).toList());
        assertArrayEquals(new long[] {3, 7}, ds.categoryIdsSorted());
        assertNull(ds.category(3).supercategory());

        CocoAnnotation a = ds.annotations().get(0);
        assertEquals(new Bbox(0.5, 1, 2, 3.25), a.bbox());
        assertEquals(6.5, a.area());
        assertFalse(a.hasScore());
        assertEquals(0.75, a.extraDouble("teacher_score"));
        assertEquals(3, a.extraLong("teacher_category_id", -1));
        Segmentation.Polygons poly = assertInstanceOf(Segmentation.Polygons.class, a.segmentation());
        Polygon p = poly.parts().get(0);
        // The last value has more than two decimals: kept as a raw double; every value restores exactly.
        assertArrayEquals(new double[] {0.5, 1, 2.5, 1, 2.5, 4.25, 20.9, 0.123456789}, p.toArray());
        assertFalse(p.isPacked());
        assertTrue(Polygon.of(0.5, 1, 2.5, 20.9, 239.97, -3.01).isPacked());
        assertArrayEquals(new double[] {0.5, 1, 2.5, 20.9, 239.97, -3.01}, Polygon.of(0.5, 1, 2.5, 20.9, 239.97, -3.01).toArray());

        CocoAnnotation crowd = ds.annotations().get(1);
        assertTrue(crowd.isCrowd());
        assertEquals(new Segmentation.UncompressedRle(6, 8, new int[] {7, 2, 4, 2, 33}), crowd.segmentation());
        CocoAnnotation compressed = ds.annotations().get(2);
        assertEquals(new Segmentation.CompressedRle(5, 4, "05?"), compressed.segmentation());
        assertEquals(0.5, compressed.score());

        assertEquals(List.of(10L, 12L), ds.annotationsForImage(1).stream().map(CocoAnnotation::id).toList());
        assertEquals(List.of(), ds.annotationsForImage(99));
        assertEquals(1, ds.contiguousLabel(7));
        assertEquals(0, ds.contiguousLabel(3));
        assertEquals(7, ds.categoryIdOfContiguousLabel(1));
        assertEquals(8, ds.numClassesTorchvision());

        CocoDataset pseudo = ds.withAnnotations(List.of(ds.annotations().get(0)));
        assertEquals(ds.images(), pseudo.images());
        assertEquals(List.of(10L), pseudo.annotationsForImage(1).stream().map(CocoAnnotation::id).toList());
        assertThrows(CocoFormatException.class, () -> ds.withAnnotations(List.of(ds.annotations().get(0), ds.annotations().get(0))));
    }

    @Test
    void writerRoundTripsAnnotationFilesAtomically() throws IOException {
        CocoDataset ds = parse(gt(GOOD_ANNS));
        Path file = tmp.resolve("sub/out.json");
        CocoWriter.write(file, ds);
        CocoDataset back = CocoReader.read(file);
        assertEquals(ds.images(), back.images());
        assertEquals(ds.categories(), back.categories());
        assertEquals(ds.topLevelFields(), back.topLevelFields());
        assertEquals(ds.annotations().size(), back.annotations().size());
        for (int i = 0; i < ds.annotations().size(); i++) {
            CocoAnnotation x = ds.annotations().get(i);
            CocoAnnotation y = back.annotations().get(i);
            assertEquals(x.id(), y.id());
            assertEquals(x.bbox(), y.bbox());
            assertEquals(x.segmentation(), y.segmentation());
            assertEquals(x.extras(), y.extras());
            assertEquals(Double.doubleToLongBits(x.score()), Double.doubleToLongBits(y.score()));
            assertEquals(x.iscrowd(), y.iscrowd());
        }
        // No temporary file is left next to the target.
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file.getFileName().toString()), s.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void failedWriteLeavesTheOldFileUntouched() throws IOException {
        Path file = tmp.resolve("keep.json");
        Files.writeString(file, "old");
        CocoAnnotation weird = CocoAnnotation.groundTruth(1, 1, 7, new Bbox(0, 0, 1, 1), 1, 0, null)
                .withExtras(Map.of("bad", new Object()));
        CocoDataset ds = CocoDataset.of("mem", List.of(new CocoImage(1, "a", 2, 2)), List.of(new CocoCategory(7, "c", null)),
                List.of(weird), Map.of());
        assertThrows(IllegalArgumentException.class, () -> CocoWriter.write(file, ds));
        assertEquals("old", Files.readString(file));
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void resultsRoundTripAndAreNumberedInFileOrder() throws IOException {
        String json = "[{\"image_id\": 1, \"category_id\": 7, \"bbox\": [1, 2, 3, 4], \"score\": 0.9, \"id\": 555},"
                + " {\"image_id\": 2, \"category_id\": 3, \"segmentation\": {\"size\": [6, 8], \"counts\": \"0`1\"}, \"score\": 0.25,"
                + "  \"teacher_score\": 0.5}]";
        List<CocoAnnotation> rs = CocoReader.readResults(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "r.json");
        assertEquals(2, rs.size());
        assertEquals(1, rs.get(0).id());
        assertEquals(2, rs.get(1).id());
        assertNull(rs.get(1).bbox());
        Path file = tmp.resolve("results.json");
        CocoWriter.writeResults(file, rs);
        List<CocoAnnotation> back = CocoReader.readResults(file);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(rs.get(i).bbox(), back.get(i).bbox());
            assertEquals(rs.get(i).segmentation(), back.get(i).segmentation());
            assertEquals(rs.get(i).score(), back.get(i).score());
            assertEquals(rs.get(i).extras(), back.get(i).extras());
        }
    }

    @Test
    void fixtureCompressedStringsReencodeIdentically() throws IOException {
        List<CocoAnnotation> rs;
        try (InputStream in = getClass().getResourceAsStream("/coco/set1/dt_segm.json")) {
            rs = CocoReader.readResults(in, "dt_segm.json");
        }
        assertEquals(229, rs.size());
        for (CocoAnnotation a : rs) {
            Segmentation.CompressedRle c = assertInstanceOf(Segmentation.CompressedRle.class, a.segmentation());
            Rle r = Rle.fromCompressedString(c.height(), c.width(), c.counts());
            assertEquals(c.counts(), r.toCompressedString());
        }
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> CocoReader.read(tmp.resolve("nope.json")));
    }
}
