package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cassl.kernels.ops.TensorDesc;
import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.DType;
import org.cassl.tensor.ReduceOp;
import org.cassl.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/** The op and dtype codes in common.cuh are the Java enum ordinals the launchers pass. */
class KernelConstantsTest {

    static Map<String, Integer> defines() throws IOException {
        String src = Files.readString(Path.of("src/main/cuda/common.cuh"));
        Map<String, Integer> m = new HashMap<>();
        Matcher d = Pattern.compile("(?m)^#define\\s+(\\w+)\\s+(\\d+)\\s*$").matcher(src);
        while (d.find()) {
            m.put(d.group(1), Integer.parseInt(d.group(2)));
        }
        return m;
    }

    @Test
    void enumOrdinalsMatchTheKernelCodes() throws IOException {
        Map<String, Integer> m = defines();
        for (DType t : DType.values()) {
            assertEquals(t.ordinal(), m.get("DT_" + t.name()), "DT_" + t.name());
        }
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(op.ordinal(), m.get("U_" + op.name()), "U_" + op.name());
        }
        for (BinaryOp op : BinaryOp.values()) {
            assertEquals(op.ordinal(), m.get("B_" + op.name()), "B_" + op.name());
        }
        for (ReduceOp op : ReduceOp.values()) {
            assertEquals(op.ordinal(), m.get("R_" + op.name()), "R_" + op.name());
        }
        assertEquals(TensorDesc.MAX_RANK, m.get("CASSL_MAX_RANK"));
    }

    @Test
    void everyModuleHasASourceFile() {
        for (String mod : PtxSource.MODULES) {
            assertNotNull(PtxSource.raw(mod));
            assertEquals(true, Files.exists(Path.of("src/main/cuda", mod + ".cu")), mod + ".cu");
        }
    }
}
