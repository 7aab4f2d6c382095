package org.cassl.app.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a binary mask into COCO polygons that rasterise back to exactly the same pixels.
 *
 * <p>Boundaries are traced along pixel edges, so every vertex is a pixel corner: pixel
 * {@code (c, r)} covers {@code [c, c+1] x [r, r+1]}, and sampling at pixel centres (what
 * pycocotools' {@code frPyObjects} does) reproduces the mask. Foreground is 4-connected: two pixels
 * that touch only at a corner belong to different parts. Each 4-connected part becomes one
 * polygon; COCO merges a list of polygons by union, so a part with holes (a ring, or a shape with a
 * smaller object on top) keeps its holes by walking into each hole and back along the same
 * segment. The doubled segment adds two cancelling crossings to any scanline, so even-odd and
 * non-zero fills both leave the hole empty.
 */
final class MaskContours {
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};
    /** Turn preference at a vertex: right, straight, left (never back). */
    private static final int[] TURNS = {1, 0, 3};

    private final boolean[] mask;
    private final int width;
    private final int height;

    private MaskContours(boolean[] mask, int width, int height) {
        this.mask = mask;
        this.width = width;
        this.height = height;
    }

    /**
     * Polygons of a row-major mask, one per 4-connected part, in the order the parts' first pixels
     * appear in a row-major scan.
     *
     * @param mask    {@code [height * width]} row-major, true = foreground
     * @param offsetX added to every x (to place a cropped mask back into its image)
     * @param offsetY added to every y
     * @return flattened {@code [x0, y0, x1, y1, ...]} pixel-corner coordinates, each polygon with
     *         at least four vertices
     */
    static List<int[]> polygons(boolean[] mask, int width, int height, int offsetX, int offsetY) {
        if (width < 0 || height < 0 || mask.length != width * height) {
            throw new IllegalArgumentException("MaskContours.polygons: mask length " + mask.length
                    + " does not match width " + width + " x height " + height);
        }
        return new MaskContours(mask, width, height).trace(offsetX, offsetY);
    }

    private List<int[]> trace(int offsetX, int offsetY) {
        int[] component = new int[width * height];
        int parts = labelParts(component);
        int[][] outer = new int[parts][];
        List<List<int[]>> holes = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            holes.add(new ArrayList<>());
        }
        boolean[] visited = new boolean[(width + 1) * (height + 1) * 4];
        // Every boundary edge borders a foreground pixel: start loops from the pixels' sides.
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                if (!mask[py * width + px]) {
                    continue;
                }
                if (!at(px, py - 1)) {
                    startLoop(px, py, 0, visited, component, outer, holes);
                }
                if (!at(px + 1, py)) {
                    startLoop(px + 1, py, 1, visited, component, outer, holes);
                }
                if (!at(px, py + 1)) {
                    startLoop(px + 1, py + 1, 2, visited, component, outer, holes);
                }
                if (!at(px - 1, py)) {
                    startLoop(px, py + 1, 3, visited, component, outer, holes);
                }
            }
        }
        List<int[]> result = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            int[] polygon = outer[part];
            for (int[] hole : holes.get(part)) {
                polygon = bridge(polygon, hole);
            }
            for (int i = 0; i < polygon.length; i += 2) {
                polygon[i] += offsetX;
                polygon[i + 1] += offsetY;
            }
            result.add(polygon);
        }
        return result;
    }

    private void startLoop(int x, int y, int d, boolean[] visited, int[] component,
                           int[][] outer, List<List<int[]>> holes) {
        if (visited[edgeIndex(x, y, d)]) {
            return;
        }
        int[] loop = followLoop(x, y, d, visited);
        int part = component[interiorPixel(x, y, d)];
        if (twiceSignedArea(loop) > 0) {
            outer[part] = loop;
        } else {
            holes.get(part).add(loop);
        }
    }

    private boolean at(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x];
    }

    /** Boundary edges leave vertex (x, y) with foreground on their right (y grows downwards). */
    private boolean edgeExists(int x, int y, int d) {
        return switch (d) {
            case 0 -> at(x, y) && !at(x, y - 1);
            case 1 -> at(x - 1, y) && !at(x, y);
            case 2 -> at(x - 1, y - 1) && !at(x - 1, y);
            default -> at(x, y - 1) && !at(x - 1, y - 1);
        };
    }

    private int interiorPixel(int x, int y, int d) {
        return switch (d) {
            case 0 -> y * width + x;
            case 1 -> y * width + x - 1;
            case 2 -> (y - 1) * width + x - 1;
            default -> (y - 1) * width + x;
        };
    }

    private int edgeIndex(int x, int y, int d) {
        return (y * (width + 1) + x) * 4 + d;
    }

    /**
     * Walks one closed boundary and returns its corners. Where two foreground pixels meet only at
     * a corner the walk turns right (towards the foreground), which keeps each loop on a single
     * 4-connected part.
     */
    private int[] followLoop(int startX, int startY, int startDir, boolean[] visited) {
        IntList xs = new IntList();
        IntList dirs = new IntList();
        int x = startX;
        int y = startY;
        int d = startDir;
        int limit = 4 * (width + 1) * (height + 1);
        do {
            visited[edgeIndex(x, y, d)] = true;
            xs.add(x);
            xs.add(y);
            dirs.add(d);
            x += DX[d];
            y += DY[d];
            int next = -1;
            for (int turn : TURNS) {
                int candidate = (d + turn) & 3;
                if (edgeExists(x, y, candidate)) {
                    next = candidate;
                    break;
                }
            }
            if (next < 0 || dirs.size() > limit) {
                throw new IllegalStateException("MaskContours: open boundary at (" + x + ", " + y
                        + ") in a " + width + "x" + height + " mask");
            }
            d = next;
        } while (x != startX || y != startY || d != startDir);
        // Keep only vertices where the direction changes.
        int n = dirs.size();
        IntList corners = new IntList();
        for (int i = 0; i < n; i++) {
            if (dirs.get(i) != dirs.get((i + n - 1) % n)) {
                corners.add(xs.get(2 * i));
                corners.add(xs.get(2 * i + 1));
            }
        }
        return corners.toArray();
    }

    /** Shoelace sum; positive for outer boundaries (clockwise on screen), negative for holes. */
    static long twiceSignedArea(int[] xy) {
        long sum = 0;
        int n = xy.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            sum += (long) xy[2 * i] * xy[2 * j + 1] - (long) xy[2 * j] * xy[2 * i + 1];
        }
        return sum;
    }

    /**
     * Splices a hole into a polygon: after the polygon vertex nearest the hole, walk the whole
     * hole and come back. Any straight connection works for filling (it is crossed twice); the
     * nearest one keeps the drawing tidy.
     */
    private static int[] bridge(int[] polygon, int[] hole) {
        int n = polygon.length / 2;
        int m = hole.length / 2;
        int bestI = 0;
        int bestJ = 0;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                long dx = polygon[2 * i] - hole[2 * j];
                long dy = polygon[2 * i + 1] - hole[2 * j + 1];
                long dist = dx * dx + dy * dy;
                if (dist < best) {
                    best = dist;
                    bestI = i;
                    bestJ = j;
                }
            }
        }
        int[] out = new int[polygon.length + hole.length + 4];
        int k = 0;
        for (int i = 0; i <= bestI; i++) {
            out[k++] = polygon[2 * i];
            out[k++] = polygon[2 * i + 1];
        }
        for (int s = 0; s <= m; s++) {
            int j = (bestJ + s) % m;
            out[k++] = hole[2 * j];
            out[k++] = hole[2 * j + 1];
        }
        for (int i = bestI; i < n; i++) {
            out[k++] = polygon[2 * i];
            out[k++] = polygon[2 * i + 1];
        }
        return Arrays.copyOf(out, k);
    }

    /** Labels 4-connected foreground parts 0, 1, ... in row-major order of their first pixel. */
    private int labelParts(int[] component) {
        Arrays.fill(component, -1);
        int[] stack = new int[width * height];
        int parts = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || component[start] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            component[start] = parts;
            while (top > 0) {
                int p = stack[--top];
                int px = p % width;
                int py = p / width;
                if (px > 0) {
                    top = visit(p - 1, parts, component, stack, top);
                }
                if (px + 1 < width) {
                    top = visit(p + 1, parts, component, stack, top);
                }
                if (py > 0) {
                    top = visit(p - width, parts, component, stack, top);
                }
                if (py + 1 < height) {
                    top = visit(p + width, parts, component, stack, top);
                }
            }
            parts++;
        }
        return parts;
    }

    private int visit(int p, int part, int[] component, int[] stack, int top) {
        if (mask[p] && component[p] < 0) {
            component[p] = part;
            stack[top++] = p;
        }
        return top;
    }

    /** A minimal growable int array, to avoid boxing while tracing. */
    private static final class IntList {
        private int[] data = new int[64];
        private int size;

        void add(int value) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        int get(int i) {
            return data[i];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
