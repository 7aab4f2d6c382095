package org.cassl.app.shapes;

import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.SplittableRandom;

/**
 * The object kinds the shapes dataset can draw. Which kinds are labeled classes and which are
 * "novel" (present only in the unlabeled pool) is decided by {@link ShapesConfig}, not here.
 *
 * <p>Every kind draws an outline centred on the origin whose extent is roughly {@code size} in
 * both directions before rotation, with a little per-instance variation (star depth, ring
 * thickness, ...) so that instances of one kind are not pixel copies of each other. The kinds
 * differ by silhouette only; colour and texture are chosen independently of the kind, so telling
 * classes apart needs labels while finding objects does not.
 */
public enum ShapeKind {
    CIRCLE("circle") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            return new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
        }
    },
    SQUARE("square") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double half = r * 0.8;
            return polygon(new double[] {-half, -half, half, -half, half, half, -half, half});
        }
    },
    TRIANGLE("triangle") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double[] xy = new double[6];
            for (int i = 0; i < 3; i++) {
                double angle = -Math.PI / 2 + i * 2 * Math.PI / 3;
                double radius = r * 1.08 * (1 + jitter(rng, 0.06));
                xy[2 * i] = radius * Math.cos(angle);
                xy[2 * i + 1] = radius * Math.sin(angle) + r * 0.15;
            }
            return polygon(xy);
        }
    },
    STAR("star") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            return starPolygon(5, r, r * (0.38 + 0.12 * rng.nextDouble()));
        }
    },
    RING("ring") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double inner = r * (0.45 + 0.17 * rng.nextDouble());
            Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
            path.append(new Ellipse2D.Double(-r, -r, 2 * r, 2 * r), false);
            path.append(new Ellipse2D.Double(-inner, -inner, 2 * inner, 2 * inner), false);
            return path;
        }
    },
    CROSS("cross") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double a = r * 0.95;
            double w = r * (0.28 + 0.1 * rng.nextDouble());
            return polygon(new double[] {
                -w, -a, w, -a, w, -w, a, -w, a, w, w, w,
                w, a, -w, a, -w, w, -a, w, -a, -w, -w, -w});
        }
    },
    HEXAGON("hexagon") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            return starPolygon(3, r, r);
        }
    },
    ELLIPSE("ellipse") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double minor = r * (0.42 + 0.2 * rng.nextDouble());
            return new Ellipse2D.Double(-r, -minor, 2 * r, 2 * minor);
        }
    },
    CRESCENT("crescent") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double cut = r * (0.78 + 0.1 * rng.nextDouble());
            double offset = r * (0.38 + 0.15 * rng.nextDouble());
            Area area = new Area(new Ellipse2D.Double(-r, -r, 2 * r, 2 * r));
            area.subtract(new Area(new Ellipse2D.Double(offset - cut, -cut, 2 * cut, 2 * cut)));
            return area;
        }
    },
    ARROW("arrow") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double shaft = r * (0.16 + 0.08 * rng.nextDouble());
            double head = r * (0.5 + 0.15 * rng.nextDouble());
            double neck = r * (0.05 + 0.2 * rng.nextDouble());
            return polygon(new double[] {
                -r, -shaft, neck, -shaft, neck, -head, r, 0,
                neck, head, neck, shaft, -r, shaft});
        }
    },
    HEART("heart") {
        @Override
        Shape outline(double r, SplittableRandom rng) {
            double dip = r * (0.35 + 0.15 * rng.nextDouble());
            Path2D.Double p = new Path2D.Double();
            p.moveTo(0, r * 0.95);
            p.curveTo(-r * 0.25, r * 0.6, -r * 1.05, r * 0.2, -r * 0.98, -r * 0.3);
            p.curveTo(-r * 0.92, -r * 1.0, -r * 0.15, -r * 1.02, 0, -dip);
            p.curveTo(r * 0.15, -r * 1.02, r * 0.92, -r * 1.0, r * 0.98, -r * 0.3);
            p.curveTo(r * 1.05, r * 0.2, r * 0.25, r * 0.6, 0, r * 0.95);
            p.closePath();
            return p;
        }
    };

    private final String label;

    ShapeKind(String label) {
        this.label = label;
    }

    /** The COCO category name, lower case, e.g. {@code "circle"}. */
    public String label() {
        return label;
    }

    /**
     * The outline of one instance, centred on the origin and unrotated.
     *
     * @param radius half the nominal size, in pixels
     * @param rng    source of the per-instance variation (consumed in a fixed order)
     */
    abstract Shape outline(double radius, SplittableRandom rng);

    /** Finds a kind by its category name, ignoring case. */
    public static ShapeKind byLabel(String label) {
        for (ShapeKind kind : values()) {
            if (kind.label.equalsIgnoreCase(label) || kind.name().equalsIgnoreCase(label)) {
                return kind;
            }
        }
        throw new ShapesException("unknown shape kind '" + label + "'; expected one of "
                + java.util.Arrays.stream(values()).map(ShapeKind::label).toList());
    }

    private static double jitter(SplittableRandom rng, double amount) {
        return (rng.nextDouble() * 2 - 1) * amount;
    }

    private static Path2D.Double polygon(double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    /** A regular polygon with {@code 2 * points} corners alternating outer and inner radius. */
    private static Path2D.Double starPolygon(int points, double outer, double inner) {
        double[] xy = new double[4 * points];
        for (int i = 0; i < 2 * points; i++) {
            double angle = -Math.PI / 2 + i * Math.PI / points;
            double radius = i % 2 == 0 ? outer : inner;
            xy[2 * i] = radius * Math.cos(angle);
            xy[2 * i + 1] = radius * Math.sin(angle);
        }
        return polygon(xy);
    }
}
