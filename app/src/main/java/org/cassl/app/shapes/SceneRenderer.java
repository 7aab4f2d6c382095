package org.cassl.app.shapes;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one image of a shapes dataset and annotates its visible objects. Stateless apart from the
 * config, so one renderer can serve many threads.
 */
final class SceneRenderer {
    private final ShapesConfig config;

    SceneRenderer(ShapesConfig config) {
        this.config = config;
    }

    /** Renders image {@code index} of {@code split}; the result depends only on those and the config. */
    ShapesImage render(Split split, int index) {
        SplittableRandom rng = new SplittableRandom(Seeds.imageSeed(config.seed(), split, index));
        // Independent streams per stage: tuning one stage does not reshuffle the others.
        SplittableRandom backgroundRng = rng.split();
        SplittableRandom clutterRng = rng.split();
        SplittableRandom placementRng = rng.split();
        SplittableRandom paintRng = rng.split();
        SplittableRandom noiseRng = rng.split();

        int w = config.width();
        int h = config.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Backgrounds.paint(px, w, h, config.clutteredBackgrounds(), backgroundRng);
        Distractors.paint(image, config.distractorDensity(), clutterRng);
        ObjectPlacer.Layout layout = ObjectPlacer.place(config, split, placementRng);
        for (ObjectPlacer.Placed p : layout.objects()) {
            ObjectPainter.paint(px, w, h, p, config.textures(), paintRng);
        }
        Backgrounds.addSensorNoise(px, config.noiseSigma(), noiseRng);
        return new ShapesImage(split, index, image, annotate(layout));
    }

    private List<ShapeInstance> annotate(ObjectPlacer.Layout layout) {
        int w = config.width();
        int h = config.height();
        int[] owner = layout.owner();
        List<ShapeInstance> instances = new ArrayList<>();
        List<ObjectPlacer.Placed> objects = layout.objects();
        for (int id = 0; id < objects.size(); id++) {
            ObjectPlacer.Placed p = objects.get(id);
            int xs = Math.max(0, p.x0());
            int ys = Math.max(0, p.y0());
            int xe = Math.min(w, p.x0() + p.w());
            int ye = Math.min(h, p.y0() + p.h());
            int minX = Integer.MAX_VALUE;
            int minY = Integer.MAX_VALUE;
            int maxX = -1;
            int maxY = -1;
            int area = 0;
            for (int y = ys; y < ye; y++) {
                for (int x = xs; x < xe; x++) {
                    if (owner[y * w + x] == id) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                        area++;
                    }
                }
            }
            // The placer already guarantees this; the check keeps annotations honest if it changes.
            if (area < config.minVisiblePixels() || area < config.minVisibleFraction() * p.fullArea()) {
                continue;
            }
            int bw = maxX - minX + 1;
            int bh = maxY - minY + 1;
            boolean[] mask = new boolean[bw * bh];
            for (int y = minY; y <= maxY; y++) {
                for (int x = minX; x <= maxX; x++) {
                    mask[(y - minY) * bw + x - minX] = owner[y * w + x] == id;
                }
            }
            List<int[]> polygons = MaskContours.polygons(mask, bw, bh, minX, minY);
            instances.add(new ShapeInstance(p.kind(), config.categoryId(p.kind()), p.novel(),
                    minX, minY, bw, bh, area, p.fullArea(), polygons, mask));
        }
        return instances;
    }
}
