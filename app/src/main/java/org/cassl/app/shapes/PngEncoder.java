package org.cassl.app.shapes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for 8-bit RGB images: one IHDR, one IDAT, IEND, the "Up" filter on every
 * row and Huffman-only deflate. It exists because the ImageIO writer spends most of its time trying filters on small
 * noisy images, which made encoding, not drawing, the bulk of dataset generation. The output is a
 * standard PNG that ImageIO, PIL and browsers read, and it carries no timestamp, so equal pixels
 * give equal bytes.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngEncoder() {
    }

    /**
     * Encodes packed {@code 0xRRGGBB} pixels.
     *
     * @param rgb row-major {@code [height * width]}
     */
    static byte[] encode(int[] rgb, int width, int height) {
        if (width <= 0 || height <= 0 || rgb.length < width * height) {
            throw new IllegalArgumentException("PngEncoder.encode: " + rgb.length + " pixels for a "
                    + width + "x" + height + " image");
        }
        int stride = 1 + 3 * width;
        byte[] raw = new byte[stride * height];
        byte[] previous = new byte[3 * width];
        byte[] current = new byte[3 * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = rgb[y * width + x];
                current[3 * x] = (byte) (c >>> 16);
                current[3 * x + 1] = (byte) (c >>> 8);
                current[3 * x + 2] = (byte) c;
            }
            int row = y * stride;
            raw[row] = 2; // filter "Up": each byte minus the byte above
            for (int i = 0; i < current.length; i++) {
                raw[row + 1 + i] = (byte) (current[i] - previous[i]);
            }
            byte[] swap = previous;
            previous = current;
            current = swap;
        }
        // Huffman coding alone: on these noisy pictures string matching finds little, so this is
        // both faster and smaller than any deflate level (measured on the default dataset).
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setStrategy(Deflater.HUFFMAN_ONLY);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(raw.length / 2 + 64);
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] buffer = new byte[16 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                compressed.write(buffer, 0, n);
            }
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.size() + 64);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour RGB
        chunk(out, "IHDR", header);
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        out.writeBytes(length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] sum = new byte[4];
        putInt(sum, 0, (int) crc.getValue());
        out.writeBytes(sum);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
