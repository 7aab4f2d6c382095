package org.cassl.app.shapes;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One rendered image of a shapes dataset with its objects, in drawing order (later objects lie on
 * top of earlier ones).
 *
 * @param split     the split the image belongs to
 * @param index     its zero-based index within the split
 * @param image     the RGB picture
 * @param instances the annotated objects; every visible object is listed
 */
public record ShapesImage(Split split, int index, BufferedImage image, List<ShapeInstance> instances) {
}
