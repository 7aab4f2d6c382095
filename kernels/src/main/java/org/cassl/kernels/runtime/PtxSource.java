package org.cassl.kernels.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX modules shipped in the jar ({@code /ptx/<module>.ptx}, one per {@code .cu} file).
 *
 * <p>nvcc 13 writes PTX ISA 9.0, which only CUDA 13 drivers (and PTX compilers) accept. Our
 * kernels use nothing newer than ISA 8.0, so the {@code .version} line is lowered to 8.0 before
 * assembly: that is what lets the CUDA 12.0 PTX compiler inside JCuda's natives (and CUDA 12
 * drivers) take the code. {@code PtxAssemblyTest} proves every module assembles this way.
 */
public final class PtxSource {
    /** The PTX ISA version the modules are handed to compilers and drivers with. */
    public static final String TARGET_ISA = "8.0";
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)\\s*$");

    /** Every module, named after its source file. */
    public static final String[] MODULES = {
        "elementwise", "reduce", "scan", "sort", "indexing", "gemm", "gemm_tf32_sm80", "im2col", "pool",
        "interpolate", "norm", "roi_align", "nms", "fcos_assign",
    };

    private PtxSource() {
    }

    /** The module's PTX as shipped (nvcc's output). */
    public static String raw(String module) {
        String path = "/ptx/" + module + ".ptx";
        try (InputStream in = PtxSource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX module " + path + " is missing from the class path (the kernels "
                        + "jar was built without running kernels/build-ptx.sh)");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The module's PTX with its ISA version lowered to {@link #TARGET_ISA}. */
    public static String forAssembly(String module) {
        return lowerVersion(raw(module));
    }

    /** Rewrites the {@code .version} line to {@link #TARGET_ISA} when it is newer. */
    public static String lowerVersion(String ptx) {
        Matcher m = VERSION.matcher(ptx);
        if (!m.find()) {
            throw new IllegalArgumentException("PTX text has no .version line");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major * 10 + minor <= 80) {
            return ptx;
        }
        return m.replaceFirst(".version " + TARGET_ISA);
    }

    /** The minimum SM version a module needs: 80 for the tensor-core ({@code _sm80}) modules, else 75. */
    public static int minimumSm(String module) {
        return module.endsWith("_sm80") ? 80 : 75;
    }

    /** Where the shipped PTX came from: {@code nvcc}, or the prebuilt copy with its stamp. */
    public static String provenance() {
        try (InputStream in = PtxSource.class.getResourceAsStream("/ptx/PTX_SOURCE.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String src = p.getProperty("source", "unknown");
            if ("prebuilt".equals(src)) {
                return "prebuilt PTX (generated " + p.getProperty("generated", "?") + " at " + p.getProperty("base_commit", "?")
                        + ")";
            }
            return src;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
