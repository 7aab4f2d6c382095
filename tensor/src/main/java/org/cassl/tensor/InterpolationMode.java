package org.cassl.tensor;

/** Interpolation for {@code interpolate}. */
public enum InterpolationMode { NEAREST, BILINEAR }
