package org.cassl.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * torch.save checkpoints written by PyTorch 1.13 (tools/golden/gen_pth.py) read without Python:
 * values equal to the safetensors twin bit for bit, and hostile or broken files refused with one
 * line naming what was refused.
 */
class TorchCheckpointTest {
    /** What the hostile pickles would create if anything ran them (relative to the working directory). */
    private static final Path PWNED = Path.of("cassl-pth-pwned.txt");

    static Path res(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("/pth/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertSame(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        switch (expected.dtype()) {
            case F32: assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), what); break;
            case F64: assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), what); break;
            default: assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what); break;
        }
    }

    @Test
    void mixedCheckpointEqualsItsSafetensorsTwin() {
        Map<String, Tensor> pth = TorchCheckpoint.read(res("mixed.pth"));
        Map<String, Tensor> st = SafeTensors.read(res("mixed.safetensors"));
        assertEquals(List.copyOf(st.keySet()), List.copyOf(pth.keySet()), "names in file order");
        for (String k : st.keySet()) {
            assertSame(st.get(k), pth.get(k), k);
        }
    }

    @Test
    void dtypesViewsAndSharedStorages() {
        Map<String, Tensor> t = TorchCheckpoint.read(res("mixed.pth"));
        assertEquals(DType.F32, t.get("f16").dtype());
        assertArrayEquals(new float[] {0f, -0f, 1f, -2.5f, 65504f, 5.9604645e-8f, 1.0013580322265625e-5f,
            Float.POSITIVE_INFINITY, 0.0999755859375f}, t.get("f16").toFloatArray());
        assertEquals(DType.F32, t.get("bf16").dtype());
        assertEquals(DType.I64, t.get("i32").dtype());
        assertArrayEquals(new long[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, t.get("i32").toLongArray());
        assertArrayEquals(new long[] {0, -1, 1L << 40, -(1L << 62), 7}, t.get("i64").toLongArray());
        assertEquals(DType.U8, t.get("u8").dtype());
        assertArrayEquals(new long[] {0, 1, 255, 128}, t.get("u8").toLongArray());
        assertEquals(DType.BOOL, t.get("bool").dtype());
        assertArrayEquals(new int[0], t.get("scalar").shape());
        assertEquals(7, t.get("scalar").item());
        // base = arange(15).reshape(3, 5) * 0.5 - 3, saved as base.t(): element [i][j] = base[j][i]
        Tensor tr = t.get("transposed");
        assertArrayEquals(new int[] {5, 3}, tr.shape());
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals((j * 5 + i) * 0.5 - 3.0, tr.getDouble(i, j), 0.0);
            }
        }
        assertTrue(t.get("0.weight").isContiguous());
        assertArrayEquals(new int[] {4, 3, 7, 7}, t.get("resnet.conv1.weight").shape());
    }

    @Test
    void unwrapsStateDictAndReadsBigEndian() {
        Map<String, Tensor> mixed = TorchCheckpoint.read(res("mixed.pth"));
        Map<String, Tensor> w = TorchCheckpoint.read(res("wrapped.pth"));
        assertEquals(List.of("f32", "transposed", "shared_b", "0.weight"), List.copyOf(w.keySet()));
        for (String k : w.keySet()) {
            assertSame(mixed.get(k), w.get(k), k);
        }
        Map<String, Tensor> be = TorchCheckpoint.read(res("bigendian.pth"));
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, be.get("x").toFloatArray());
        assertArrayEquals(new long[] {1, -2, 1L << 40}, be.get("y").toLongArray());
    }

    @Test
    void weightFilesPicksTheReaderAndConvertsAtomically(@TempDir Path dir) throws IOException {
        assertTrue(WeightFiles.isTorchCheckpoint(res("mixed.pth")));
        assertFalse(WeightFiles.isTorchCheckpoint(res("mixed.safetensors")));
        Path noExt = dir.resolve("weights");
        Files.copy(res("mixed.pth"), noExt);
        assertTrue(WeightFiles.isTorchCheckpoint(noExt), "zip magic without an extension");
        Path out = dir.resolve("converted.safetensors");
        WeightFiles.convert(res("mixed.pth"), out);
        Map<String, Tensor> st = SafeTensors.read(res("mixed.safetensors"));
        Map<String, Tensor> conv = WeightFiles.read(out);
        assertEquals(List.copyOf(st.keySet()), List.copyOf(conv.keySet()));
        for (String k : st.keySet()) {
            assertSame(st.get(k), conv.get(k), k);
        }
        try (SafeTensorsFile f = SafeTensors.open(out)) {
            assertEquals("mixed.pth", f.metadata().get("source"));
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
        Path bad = dir.resolve("bad.safetensors");
        assertThrows(TorchCheckpointException.class, () -> WeightFiles.convert(res("hostile/eval.pth"), bad));
        assertFalse(Files.exists(bad));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "reduce_system.pth   | refused global posix.system (only tensors and containers are allowed)",
        "os_system.pth       | refused global os.system (only tensors and containers are allowed)",
        "eval.pth            | refused global builtins.eval (only tensors and containers are allowed)",
        "popen.pth           | refused global subprocess.Popen (only tensors and containers are allowed)",
        "build_tensor.pth    | refused BUILD on a tensor (only tensors and containers are allowed)",
        "call_storage.pth    | refused call of torch.FloatStorage (only tensors and containers are allowed)",
        "truncated.pth       | is corrupt: not a readable zip archive",
        "storage_short.pth   | is corrupt: storage data/0 has 8 bytes but tensor 'w' needs 400 (100 x FloatStorage)",
        "view_past_end.pth   | is corrupt: tensor 'w' reads element 4 of storage 0, which has 2",
        "huge_shape.pth      | is corrupt: tensor 'w' declares 1099511627776 elements (at most 2147483639 are supported)",
        "overflow_shape.pth  | is corrupt: tensor 'w' declares more than 2^63 elements",
        "huge_storage.pth    | is corrupt: tensor 'w' uses storage 0 of 1099511627776 elements, more than the file",
        "bad_opcode.pth      | is corrupt: data.pkl at byte 3: unknown pickle opcode 0xff",
        "no_pickle.pth       | is not a torch.save checkpoint: the zip has no <archive>/data.pkl",
    })
    void hostileAndBrokenFilesAreRefused(String file, String expected) {
        assertFalse(Files.exists(PWNED));
        Path p = res("hostile/" + file);
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> WeightFiles.read(p));
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString()), m);
        assertTrue(m.contains(expected), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        assertFalse(Files.exists(PWNED), "the payload never ran");
    }

    @Test
    void missingAndNonZipFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.pth");
        assertTrue(assertThrows(TorchCheckpointException.class, () -> WeightFiles.read(missing)).getMessage()
                .startsWith("checkpoint file not found"));
        Path junk = dir.resolve("junk.pth");
        Files.write(junk, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        assertTrue(assertThrows(TorchCheckpointException.class, () -> WeightFiles.read(junk)).getMessage()
                .contains("is not a PyTorch checkpoint in the zip format"));
    }

    @Test
    void everyTruncationOfACheckpointFailsCleanly(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(res("wrapped.pth"));
        Path p = dir.resolve("cut.pth");
        for (int n = 0; n < full.length; n += 7) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            Files.write(p, cut);
            assertThrows(SafeTensorsException.class, () -> TorchCheckpoint.read(p), "cut at " + n);
        }
    }

    @Test
    void corruptedBytesNeverEscapeAsOtherExceptions(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(res("wrapped.pth"));
        Path p = dir.resolve("flipped.pth");
        java.util.Random rnd = new java.util.Random(16);
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = full.clone();
            for (int k = 0; k < 3; k++) {
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            Files.write(p, b);
            try {
                TorchCheckpoint.read(p);
            } catch (SafeTensorsException expected) {
                // refused with a message: fine
            }
        }
    }
}
