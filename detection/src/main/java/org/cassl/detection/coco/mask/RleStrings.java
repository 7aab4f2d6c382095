package org.cassl.detection.coco.mask;

import java.util.Arrays;
import org.cassl.detection.coco.CocoFormatException;

/**
 * pycocotools' compressed RLE counts: each count (from the fourth on, as the difference to the
 * count two places earlier) is written as signed 5-bit groups, least significant first, each
 * group a character {@code 48 + group}, with bit {@code 0x20} marking that more groups follow.
 */
final class RleStrings {
    private RleStrings() {}

    static String encode(int[] counts) {
        StringBuilder sb = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                // Stop once the remaining bits are all copies of this group's sign bit.
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    static int[] decode(String s) {
        int[] cnts = new int[Math.max(4, s.length())];
        int m = 0;
        int p = 0;
        int n = s.length();
        while (p < n) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= n) {
                    throw new CocoFormatException("compressed RLE string ends inside a value (at character " + p + ")");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new CocoFormatException("compressed RLE string has invalid character '" + s.charAt(p)
                            + "' at position " + p);
                }
                if (k >= 7) {
                    throw new CocoFormatException("compressed RLE string has a value longer than 7 groups at position " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new CocoFormatException("compressed RLE string decodes to count " + x + " (run " + m + ")");
            }
            cnts[m++] = (int) x;
        }
        return Arrays.copyOf(cnts, m);
    }
}
