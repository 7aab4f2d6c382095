/**
 * The synthetic "shapes" detection and instance-segmentation dataset used by the CA-SSL demo.
 *
 * <p>Images show opaque, crisp objects of a few silhouette classes (circle, square, triangle,
 * star, ring, cross by default) in random colours and fill textures, rotated, scaled from about
 * 8 pixels to a little over half the image, partly hidden by later objects, on cluttered
 * backgrounds with lines, translucent blobs and specks that are not objects. Finding objects is
 * easy without labels; telling the classes apart is not, because nothing but the silhouette
 * depends on the class. The unlabeled pool also holds "novel" kinds (crescent, arrow, heart) that
 * never appear in the labeled or validation splits, as the unlabeled images in the paper come from
 * other datasets.
 *
 * <p>Annotations are COCO: boxes, areas and polygons of the visible part of each object after
 * occlusion, traced along pixel edges so that they rasterise back to exactly the visible pixels.
 * Entry points: {@link org.cassl.app.shapes.GenerateShapes#run} for the command line,
 * {@link org.cassl.app.shapes.ShapesGenerator} for in-memory images or a custom
 * {@link org.cassl.app.shapes.ShapesConfig}.
 */
package org.cassl.app.shapes;
