package org.cassl.detection.coco;

import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link CocoStreamingTest}: streams an annotation file
 * and prints {@code <annotations> <sum of areas>}.
 */
public final class StreamingProbe {
    private StreamingProbe() {}

    public static void main(String[] args) throws Exception {
        long[] n = new long[1];
        double[] area = new double[1];
        CocoReader.stream(Path.of(args[0]), new CocoHandler() {
            @Override
            public void onAnnotation(CocoAnnotation a) {
                n[0]++;
                area[0] += a.area();
            }
        });
        System.out.println(n[0] + " " + area[0]);
    }
}
