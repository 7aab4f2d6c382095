package org.cassl.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cassl convert}: PyTorch checkpoints (from tensor's test resources) to safetensors, and hostile ones refused. */
class ConvertCommandTest {
    private static Path resource(Path dir, String name) throws Exception {
        Path p = dir.resolve(name.replace('/', '_'));
        try (InputStream in = ConvertCommandTest.class.getResourceAsStream("/pth/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void convertsToTheSameValuesAsTheSafetensorsTwin(@TempDir Path dir) throws Exception {
        Path pth = resource(dir, "mixed.pth");
        Path twin = resource(dir, "mixed.safetensors");
        Path out = dir.resolve("out.safetensors");
        CliBadInputTest.Run r = CliBadInputTest.run("convert", pth.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> got = SafeTensors.read(out);
        Map<String, Tensor> want = SafeTensors.read(twin);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertEquals(want.get(k).dtype(), got.get(k).dtype(), k);
            assertEquals(java.util.Arrays.toString(want.get(k).shape()), java.util.Arrays.toString(got.get(k).shape()), k);
            assertTrue(java.util.Arrays.equals(want.get(k).toDoubleArray(), got.get(k).toDoubleArray()), k);
        }
    }

    @Test
    void aHostilePickleIsRefusedWithOneLineAndNothingWritten(@TempDir Path dir) throws Exception {
        Path pth = resource(dir, "hostile/os_system.pth");
        Path out = dir.resolve("out.safetensors");
        CliBadInputTest.Run r = CliBadInputTest.run("convert", pth.toString(), out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("refused"), r.err());
        assertFalse(Files.exists(out), "nothing half-written");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
