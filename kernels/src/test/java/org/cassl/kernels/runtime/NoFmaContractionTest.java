package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kernels whose results are compared bit for bit with the CPU backend (NMS keep lists, FCOS
 * assignments) or whose arithmetic is meant to mirror it exactly (the bilinear source positions of
 * resize) must not let nvcc contract {@code a * b + c} into one fused multiply-add: Java rounds the
 * product first, an FMA does not, and one ulp flips an IoU comparison or an argmax. The kernels use
 * {@code mul_rn/add_rn/sub_rn} ({@code __fmul_rn} and friends, never contracted); this test scans
 * the PTX shipped in the jar, function by function, for {@code fma.rn.f32/f64}.
 */
class NoFmaContractionTest {
    private static final Pattern ENTRY = Pattern.compile("(?m)^\\.(?:visible |weak )?\\.(?:entry|func)\\s+(?:\\([^)]*\\)\\s*)?(\\w+)");
    private static final Pattern FMA = Pattern.compile("\\bfma\\.rn(?:\\.ftz)?(?:\\.sat)?\\.f(?:32|64)\\b");

    /** Module, and the entry functions of it that must be free of FMA. */
    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : new String[] {"nms_mask_f32", "nms_mask_f64"}) {
            out.add(Arguments.of("nms", f));
        }
        for (String f : new String[] {"fcos_assign_f32", "fcos_assign_f64"}) {
            out.add(Arguments.of("fcos_assign", f));
        }
        for (String f : new String[] {"upsample2d_f32", "upsample2d_f64", "upsample2d_bwd_f32", "upsample2d_bwd_f64"}) {
            out.add(Arguments.of("interpolate", f));
        }
        return out;
    }

    /** The body of every function of a PTX module, by name. */
    static Map<String, String> functions(String ptx) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        String name = null;
        int start = 0;
        while (m.find()) {
            if (name != null) {
                out.put(name, ptx.substring(start, m.start()));
            }
            name = m.group(1);
            start = m.start();
        }
        if (name != null) {
            out.put(name, ptx.substring(start));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("cases")
    void exactKernelsHaveNoFusedMultiplyAdd(String module, String function) {
        Map<String, String> fns = functions(PtxSource.raw(module));
        String body = fns.get(function);
        assertTrue(body != null, () -> module + ".ptx has no function " + function + " (has " + fns.keySet() + ")");
        Matcher m = FMA.matcher(body);
        List<String> hits = new ArrayList<>();
        while (m.find()) {
            int ls = body.lastIndexOf('\n', m.start()) + 1;
            int le = body.indexOf('\n', m.start());
            hits.add(body.substring(ls, le < 0 ? body.length() : le).trim());
        }
        assertTrue(hits.isEmpty(), () -> module + "." + function + " is compared exactly with the CPU but its PTX fuses "
                + hits.size() + " multiply-adds, e.g. " + hits.get(0) + ": use mul_rn/add_rn/sub_rn (common.cuh)");
    }

    @ParameterizedTest(name = "the scanner finds fma in {0}")
    @MethodSource("scannerSelfCheck")
    void scannerSeesFmaWhereThereIs(String ptx) {
        assertFalse(functions(ptx).isEmpty());
        assertTrue(FMA.matcher(functions(ptx).get("k")).find());
    }

    static List<String> scannerSelfCheck() {
        return List.of(".visible .entry k(\n.param .u64 p)\n{\n\tfma.rn.f32 \t%f3, %f1, %f2, %f0;\n}\n",
                ".version 8.0\n.visible .entry other()\n{\n ret;\n}\n.visible .entry k()\n{\n\tfma.rn.f64 %fd1, %fd2, %fd3, %fd4;\n}\n");
    }
}
