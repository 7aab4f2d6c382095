package org.cassl.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cassl.tensor.DType;
import org.cassl.tensor.Generator;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @Test
    void roundTripsEveryDtypeWithMetadataAndViews(@TempDir Path dir) {
        Generator g = new Generator(3);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("f32", Tensor.randn(g, 3, 4));
        in.put("f64", Tensor.randn(g, 2, 2, 2).to(DType.F64));
        in.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 4));
        in.put("u8", Tensor.of(new byte[] {0, 1, (byte) 200, (byte) 255}, DType.U8, 2, 2));
        in.put("bool", Tensor.of(new boolean[] {true, false, true}, 3));
        in.put("scalar", Tensor.scalar(2.5));
        in.put("empty", Tensor.zeros(0, 5));
        in.put("transposed", Tensor.randn(g, 3, 5).t());
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, in, Map.of("format", "pt"));
        Map<String, Tensor> out = SafeTensors.read(f);
        assertEquals(in.keySet(), out.keySet());
        for (String k : in.keySet()) {
            assertEquals(in.get(k).dtype(), out.get(k).dtype(), k);
            TensorAssert.assertEqual(in.get(k), out.get(k), k);
        }
        try (SafeTensorsFile sf = SafeTensors.open(f)) {
            assertEquals("pt", sf.metadata().get("format"));
            assertEquals(DType.I64, sf.entry("i64").dtype());
        }
    }

    private static Path raw(Path dir, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void rejects(Path f, String expected) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(f.toString()),
                "message '" + e.getMessage() + "' should name the file and contain '" + expected + "'");
    }

    @Test
    void malformedFilesAreRejectedWithTheReason(@TempDir Path dir) throws IOException {
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8), "outside the data section");
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlaps");
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "unused bytes");
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2), "F16");
        rejects(raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "invalid shape");
        rejects(raw(dir, "{\"a\": not json", 0), "not valid JSON");
        rejects(raw(dir, "[1,2]", 0), "not a JSON object");
        Path truncated = Files.createTempFile(dir, "short", ".safetensors");
        Files.write(truncated, new byte[] {1, 2, 3});
        rejects(truncated, "only 3 bytes");
        Path hugeHeader = Files.createTempFile(dir, "huge", ".safetensors");
        Files.write(hugeHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        rejects(hugeHeader, "header length");
        Path badBool = raw(dir, "{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        byte[] bytes = Files.readAllBytes(badBool);
        bytes[bytes.length - 1] = 7;
        Files.write(badBool, bytes);
        rejects(badBool, "bool tensor");
        SafeTensorsException missing = assertThrows(SafeTensorsException.class,
                () -> SafeTensors.read(dir.resolve("nope.safetensors")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    @Test
    void writingIsAtomicAndRefusesReservedNames(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, Map.of("x", Tensor.ones(2)));
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("__metadata__", Tensor.ones(1));
        assertThrows(SafeTensorsException.class, () -> SafeTensors.write(f, bad));
        assertEquals(1, SafeTensors.read(f).size(), "the earlier file is untouched");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left behind");
        }
    }
}
