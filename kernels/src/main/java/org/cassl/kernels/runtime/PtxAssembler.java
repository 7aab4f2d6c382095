package org.cassl.kernels.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

/**
 * Assembles PTX to a cubin for one SM architecture with NVIDIA's PTX compiler library shipped in
 * JCuda's natives (the CUDA 12.0 {@code nvPTXCompiler}: PTX ISA up to 8.0, sm_50..sm_90). It runs
 * on the CPU and needs no driver, so tests use it to prove every kernel assembles for real
 * targets, and the backend uses it to load ready cubins instead of relying on the driver's JIT.
 */
public final class PtxAssembler {
    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '([^']+)' for '([^']+)'");
    private static final Pattern FRAME = Pattern.compile(
            "(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers(?:, (\\d+) bytes smem)?");

    private PtxAssembler() {
    }

    /**
     * Resources of one compiled kernel as reported by the assembler.
     *
     * @param registers   registers per thread
     * @param stackBytes  stack frame (local memory) per thread
     * @param spillStores bytes of register spill stores
     * @param spillLoads  bytes of register spill loads
     * @param sharedBytes static shared memory per block
     */
    public record KernelResources(int registers, int stackBytes, int spillStores, int spillLoads, int sharedBytes) {
    }

    /**
     * Outcome of one assembly.
     *
     * @param success   whether a cubin was produced
     * @param gpuName   the target, e.g. {@code sm_90}
     * @param cubin     the binary (empty on failure)
     * @param infoLog   the assembler's verbose output
     * @param errorLog  errors, when any
     * @param kernels   resources per entry function, in the order reported
     */
    public record Result(boolean success, String gpuName, byte[] cubin, String infoLog, String errorLog,
                         Map<String, KernelResources> kernels) {
    }

    /** The PTX compiler's version, e.g. {@code 12.0}. */
    public static String compilerVersion() {
        int[] major = new int[1];
        int[] minor = new int[1];
        JNvPTXCompiler.nvPTXCompilerGetVersion(major, minor);
        return major[0] + "." + minor[0];
    }

    /** Assembles {@code ptx} (ISA &lt;= 8.0) for {@code gpuName} such as {@code sm_80}. */
    public static Result assemble(String ptx, String gpuName, String... extraOptions) {
        byte[] src = ptx.getBytes(StandardCharsets.US_ASCII);
        nvPTXCompilerHandle h = new nvPTXCompilerHandle();
        int rc = JNvPTXCompiler.nvPTXCompilerCreate(h, src.length, src);
        if (rc != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
            return new Result(false, gpuName, new byte[0], "", "nvPTXCompilerCreate: " + nvPTXCompileResult.stringFor(rc),
                    Map.of());
        }
        try {
            List<String> opts = new ArrayList<>();
            opts.add("--gpu-name=" + gpuName);
            opts.add("--verbose");
            Collections.addAll(opts, extraOptions);
            rc = JNvPTXCompiler.nvPTXCompilerCompile(h, opts.size(), opts.toArray(new String[0]));
            String info = log(h, true);
            String err = log(h, false);
            if (rc != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
                return new Result(false, gpuName, new byte[0], info,
                        nvPTXCompileResult.stringFor(rc) + (err.isEmpty() ? "" : ": " + err), parseResources(info));
            }
            long[] size = new long[1];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(h, size);
            byte[] cubin = new byte[(int) size[0]];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(h, cubin);
            return new Result(true, gpuName, cubin, info, err, parseResources(info));
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(h);
        }
    }

    private static String log(nvPTXCompilerHandle h, boolean info) {
        long[] size = new long[1];
        if (info) {
            JNvPTXCompiler.nvPTXCompilerGetInfoLogSize(h, size);
        } else {
            JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(h, size);
        }
        if (size[0] <= 1) {
            return "";
        }
        byte[] b = new byte[(int) size[0]];
        if (info) {
            JNvPTXCompiler.nvPTXCompilerGetInfoLog(h, b);
        } else {
            JNvPTXCompiler.nvPTXCompilerGetErrorLog(h, b);
        }
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII).trim();
    }

    /** Per-kernel resources from a verbose assembler log. */
    public static Map<String, KernelResources> parseResources(String infoLog) {
        Map<String, KernelResources> out = new LinkedHashMap<>();
        String current = null;
        int stack = 0;
        int stores = 0;
        int loads = 0;
        for (String line : infoLog.split("\n")) {
            Matcher e = ENTRY.matcher(line);
            if (e.find()) {
                current = e.group(1);
                stack = 0;
                stores = 0;
                loads = 0;
                continue;
            }
            Matcher f = FRAME.matcher(line);
            if (f.find()) {
                stack = Integer.parseInt(f.group(1));
                stores = Integer.parseInt(f.group(2));
                loads = Integer.parseInt(f.group(3));
                continue;
            }
            Matcher u = USED.matcher(line);
            if (u.find() && current != null) {
                int smem = u.group(2) == null ? 0 : Integer.parseInt(u.group(2));
                out.put(current, new KernelResources(Integer.parseInt(u.group(1)), stack, stores, loads, smem));
                current = null;
            }
        }
        return out;
    }
}
