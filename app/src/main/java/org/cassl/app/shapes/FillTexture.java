package org.cassl.app.shapes;

/** How the inside of an object is painted. Chosen per object, independently of its kind. */
public enum FillTexture {
    /** One flat colour. */
    SOLID,
    /** Parallel bands of two colours at a random angle and period. */
    STRIPES,
    /** A rotated checkerboard of two colours. */
    CHECKER,
    /** A linear blend between two colours across the object. */
    GRADIENT,
    /** One colour with per-pixel speckle. */
    NOISE
}
