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
    NOISE;

    /**
     * The textures named in {@code names} (case-insensitive, in order, duplicates dropped); null for a null list.
     *
     * @throws ShapesException on an unknown name or an empty list
     */
    public static java.util.List<FillTexture> parseList(java.util.List<String> names) {
        if (names == null) {
            return null;
        }
        java.util.LinkedHashSet<FillTexture> out = new java.util.LinkedHashSet<>();
        for (String n : names) {
            String key = n.trim().toUpperCase(java.util.Locale.ROOT);
            try {
                out.add(valueOf(key));
            } catch (IllegalArgumentException e) {
                throw new ShapesException("generate-shapes: --textures: unknown texture '" + n.trim()
                        + "'; expected solid, gradient, stripes, checker or noise");
            }
        }
        if (out.isEmpty()) {
            throw new ShapesException("generate-shapes: --textures: expected at least one texture");
        }
        return java.util.List.copyOf(out);
    }
}
