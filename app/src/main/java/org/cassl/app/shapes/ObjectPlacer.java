package org.cassl.app.shapes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the objects of one image and where they go, keeping track of which object owns each
 * pixel. A candidate is accepted only if it leaves every object, itself included, with enough
 * visible area; otherwise it is moved, then shrunk, then given up. So every object that ends up in
 * the picture is annotated: there are no visible-but-unlabeled leftovers from heavy occlusion.
 */
final class ObjectPlacer {
    private static final int MAX_TRIES = 12;
    /** A pixel belongs to an object when its anti-aliased coverage is at least half. */
    static final int SOLID = 128;

    /**
     * One placed object: its coverage patch in image coordinates.
     *
     * @param fill     anti-aliased fill coverage 0..255, row-major {@code [h * w]}
     * @param stroke   outline coverage, or null without an outline
     * @param fullArea solid pixels of the whole object, including any outside the image
     */
    record Placed(ShapeKind kind, boolean novel, double cx, double cy, double radius,
                  int x0, int y0, int w, int h, byte[] fill, byte[] stroke, int fullArea) {
        int coverage(int i) {
            int f = fill[i] & 0xFF;
            return stroke == null ? f : Math.max(f, stroke[i] & 0xFF);
        }
    }

    private final ShapesConfig config;
    private final int width;
    private final int height;
    /** Index into {@link #placed} of the object on top at each pixel, or -1. */
    private final int[] owner;
    private final List<Placed> placed = new ArrayList<>();
    private int[] visible = new int[16];
    private int[] lost = new int[16];

    private ObjectPlacer(ShapesConfig config) {
        this.config = config;
        this.width = config.width();
        this.height = config.height();
        this.owner = new int[width * height];
        Arrays.fill(owner, -1);
    }

    /** The accepted objects in drawing order, and the final owner of every pixel. */
    record Layout(List<Placed> objects, int[] owner) {
    }

    static Layout place(ShapesConfig config, Split split, SplittableRandom rng) {
        ObjectPlacer placer = new ObjectPlacer(config);
        int count = config.minObjects() + rng.nextInt(config.maxObjects() - config.minObjects() + 1);
        ShapeKind[] kinds = new ShapeKind[count];
        double[] sizes = new double[count];
        double[] order = new double[count];
        double logMin = Math.log(config.minSize());
        double logMax = Math.log(config.maxSize());
        for (int i = 0; i < count; i++) {
            kinds[i] = pickKind(config, split, rng);
            sizes[i] = Math.exp(logMin + (logMax - logMin) * rng.nextDouble());
            order[i] = sizes[i] * (0.7 + 0.6 * rng.nextDouble());
        }
        // Roughly largest first, as in real scenes where big things are further back.
        Integer[] byOrder = new Integer[count];
        for (int i = 0; i < count; i++) {
            byOrder[i] = i;
        }
        Arrays.sort(byOrder, Comparator.comparingDouble((Integer i) -> -order[i]).thenComparingInt(i -> i));
        for (int i : byOrder) {
            placer.tryPlace(kinds[i], config.novelKinds().contains(kinds[i]), sizes[i], rng);
        }
        return new Layout(List.copyOf(placer.placed), placer.owner);
    }

    private static ShapeKind pickKind(ShapesConfig config, Split split, SplittableRandom rng) {
        List<ShapeKind> novel = config.novelKinds();
        if (split.containsNovelKinds() && !novel.isEmpty() && rng.nextDouble() < config.novelFraction()) {
            return novel.get(rng.nextInt(novel.size()));
        }
        return config.classes().get(rng.nextInt(config.classes().size()));
    }

    private void tryPlace(ShapeKind kind, boolean novel, double size, SplittableRandom rng) {
        boolean outlined = rng.nextDouble() < config.outlineProbability();
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            double s = attempt < 4 ? size : Math.max(config.minSize(), size * Math.pow(0.85, attempt - 3));
            double radius = s / 2;
            double margin = Math.min(radius * 0.4, Math.min(width, height) / 2.0);
            double cx = margin + (width - 2 * margin) * rng.nextDouble();
            double cy = margin + (height - 2 * margin) * rng.nextDouble();
            double rotation = rng.nextDouble() * 2 * Math.PI;
            AffineTransform at = new AffineTransform();
            at.translate(cx, cy);
            at.rotate(rotation);
            Shape shape = at.createTransformedShape(kind.outline(radius, rng));
            float strokeWidth = outlined ? (float) Math.min(4, Math.max(1, s * (0.04 + 0.04 * rng.nextDouble()))) : 0;
            Placed candidate = rasterise(kind, novel, cx, cy, radius, shape, strokeWidth);
            if (accept(candidate)) {
                commit(candidate);
                return;
            }
        }
    }

    private Placed rasterise(ShapeKind kind, boolean novel, double cx, double cy, double radius,
                             Shape shape, float strokeWidth) {
        Rectangle2D bounds = shape.getBounds2D();
        double pad = strokeWidth / 2 + 2;
        int x0 = (int) Math.floor(bounds.getMinX() - pad);
        int y0 = (int) Math.floor(bounds.getMinY() - pad);
        int w = (int) Math.ceil(bounds.getMaxX() + pad) - x0;
        int h = (int) Math.ceil(bounds.getMaxY() + pad) - y0;
        byte[] fill = coverage(shape, x0, y0, w, h, 0);
        byte[] stroke = strokeWidth > 0 ? coverage(shape, x0, y0, w, h, strokeWidth) : null;
        Placed p = new Placed(kind, novel, cx, cy, radius, x0, y0, w, h, fill, stroke, 0);
        int full = 0;
        for (int i = 0; i < w * h; i++) {
            if (p.coverage(i) >= SOLID) {
                full++;
            }
        }
        return new Placed(kind, novel, cx, cy, radius, x0, y0, w, h, fill, stroke, full);
    }

    /** Anti-aliased coverage of the shape's inside, or of its outline when strokeWidth > 0. */
    private static byte[] coverage(Shape shape, int x0, int y0, int w, int h, float strokeWidth) {
        BufferedImage patch = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = patch.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.translate(-x0, -y0);
            g.setColor(Color.WHITE);
            if (strokeWidth > 0) {
                g.setStroke(new BasicStroke(strokeWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(shape);
            } else {
                g.fill(shape);
            }
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) patch.getRaster().getDataBuffer()).getData();
    }

    private int required(int fullArea) {
        return Math.max(config.minVisiblePixels(), (int) Math.ceil(config.minVisibleFraction() * fullArea));
    }

    /** Whether the candidate, drawn on top, leaves every object visible enough. */
    private boolean accept(Placed c) {
        int n = placed.size();
        Arrays.fill(lost, 0, n, 0);
        int inImage = 0;
        for (int ly = 0; ly < c.h(); ly++) {
            int y = c.y0() + ly;
            if (y < 0 || y >= height) {
                continue;
            }
            for (int lx = 0; lx < c.w(); lx++) {
                int x = c.x0() + lx;
                if (x < 0 || x >= width || c.coverage(ly * c.w() + lx) < SOLID) {
                    continue;
                }
                inImage++;
                int o = owner[y * width + x];
                if (o >= 0) {
                    if (!config.occlusion()) {
                        return false;
                    }
                    lost[o]++;
                }
            }
        }
        if (inImage < required(c.fullArea())) {
            return false;
        }
        for (int o = 0; o < n; o++) {
            if (lost[o] > 0 && visible[o] - lost[o] < required(placed.get(o).fullArea())) {
                return false;
            }
        }
        return true;
    }

    private void commit(Placed c) {
        int id = placed.size();
        if (id == visible.length) {
            visible = Arrays.copyOf(visible, id * 2);
            lost = Arrays.copyOf(lost, id * 2);
        }
        int count = 0;
        for (int ly = 0; ly < c.h(); ly++) {
            int y = c.y0() + ly;
            if (y < 0 || y >= height) {
                continue;
            }
            for (int lx = 0; lx < c.w(); lx++) {
                int x = c.x0() + lx;
                if (x < 0 || x >= width || c.coverage(ly * c.w() + lx) < SOLID) {
                    continue;
                }
                int o = owner[y * width + x];
                if (o >= 0) {
                    visible[o]--;
                }
                owner[y * width + x] = id;
                count++;
            }
        }
        visible[id] = count;
        placed.add(c);
    }
}
