package org.cassl.app.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesConfigTest {

    @Test
    void defaultsDescribeTheDemoDataset() {
        ShapesConfig c = ShapesConfig.defaults();
        assertEquals(128, c.width());
        assertEquals(128, c.height());
        assertTrue(c.classes().size() >= 6);
        assertTrue(c.novelKinds().size() >= 2);
        assertEquals(8, c.minSize());
        assertEquals(77, c.maxSize());
    }

    @Test
    void categoryIdsStartAtOneWithNovelKindsAfterTheClasses() {
        ShapesConfig c = ShapesConfig.defaults();
        for (int i = 0; i < c.classes().size(); i++) {
            assertEquals(i + 1, c.categoryId(c.classes().get(i)));
        }
        assertEquals(c.classes().size() + 1, c.categoryId(c.novelKinds().get(0)));
        assertEquals(-1, c.categoryId(ShapeKind.HEXAGON));
    }

    @Test
    void withSizeScalesTheLargestObjects() {
        ShapesConfig c = ShapesConfig.defaults().withSize(256);
        assertEquals(256, c.width());
        assertEquals(154, c.maxSize());
        assertEquals(8, c.minSize());
    }

    @Test
    void badValuesNameTheField() {
        ShapesConfig d = ShapesConfig.defaults();
        ShapesException e = assertThrows(ShapesException.class, () -> d.withSize(16));
        assertTrue(e.getMessage().contains("width = 16"), e.getMessage());
        e = assertThrows(ShapesException.class, () -> d.withObjectsPerImage(5, 2));
        assertTrue(e.getMessage().contains("maxObjects"), e.getMessage());
        e = assertThrows(ShapesException.class, () -> d.withSizeRange(2, 10));
        assertTrue(e.getMessage().contains("minSize"), e.getMessage());
        e = assertThrows(ShapesException.class,
                () -> d.withKinds(List.of(ShapeKind.CIRCLE, ShapeKind.HEART), List.of(ShapeKind.HEART)));
        assertTrue(e.getMessage().contains("novelKinds"), e.getMessage());
        e = assertThrows(ShapesException.class,
                () -> d.withKinds(List.of(), List.of(ShapeKind.HEART)));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
    }

    @Test
    void noNovelKindsMeansNoNovelFraction() {
        ShapesConfig c = ShapesConfig.defaults().withKinds(List.of(ShapeKind.HEXAGON, ShapeKind.ELLIPSE), List.of());
        assertEquals(0, c.novelFraction());
        assertEquals(1, c.categoryId(ShapeKind.HEXAGON));
    }

    @Test
    void kindsAreFoundByName() {
        assertEquals(ShapeKind.RING, ShapeKind.byLabel("ring"));
        assertEquals(ShapeKind.CRESCENT, ShapeKind.byLabel("CRESCENT"));
        ShapesException e = assertThrows(ShapesException.class, () -> ShapeKind.byLabel("blob"));
        assertTrue(e.getMessage().contains("blob"));
    }
}
