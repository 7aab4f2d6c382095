package org.cassl.kernels.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The loaded PTX modules of one context, loaded on first use.
 *
 * <p>Loading strategy (system property {@code cassl.cuda.loader}):
 * <ul>
 *   <li>{@code cubin} (default): a ready-made cubin for this device's SM from the {@link CubinBundle}
 *       on the class path, when its recorded PTX hash equals this jar's PTX; else the module's PTX
 *       (ISA lowered to 8.0) is assembled for this
 *       device's exact SM with the PTX compiler in JCuda's natives, and the cubin is loaded with
 *       {@code cuModuleLoadData}. This does not depend on the driver's JIT or its PTX ISA limit
 *       (CUDA 12 drivers accept cubins from the 12.0 assembler), and the resources are known in
 *       advance. If assembly fails (an SM newer than that assembler knows, such as sm_100), the
 *       loader falls back to the driver JIT.</li>
 *   <li>{@code ptx}: the PTX text (ISA 8.0) goes straight to {@code cuModuleLoadData} and the
 *       driver compiles it.</li>
 * </ul>
 */
final class KernelLibrary {
    private final DeviceProperties props;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, PtxSignatures> signatures = new HashMap<>();
    private final Map<String, KernelHandle> kernels = new HashMap<>();
    private final Map<String, String> loadedWith = new LinkedHashMap<>();

    KernelLibrary(DeviceProperties props) {
        this.props = props;
    }

    synchronized KernelHandle kernel(String module, String function) {
        String key = module + "." + function;
        KernelHandle k = kernels.get(key);
        if (k != null) {
            return k;
        }
        CUmodule m = module(module);
        int[] sizes = signatures.get(module).sizes(function);
        if (sizes == null) {
            throw new IllegalArgumentException("PTX module " + module + " has no kernel " + function);
        }
        CUfunction f = new CUfunction();
        CudaCheck.check(JCudaDriver.cuModuleGetFunction(f, m, function), "cuModuleGetFunction(" + key + ")");
        k = new KernelHandle(module, function, sizes, f);
        kernels.put(key, k);
        return k;
    }

    private CUmodule module(String name) {
        CUmodule m = modules.get(name);
        if (m != null) {
            return m;
        }
        if (props.sm() < PtxSource.minimumSm(name)) {
            throw new UnsupportedOperationException("kernel module " + name + " needs compute capability "
                    + PtxSource.minimumSm(name) / 10 + "." + PtxSource.minimumSm(name) % 10 + ", device has "
                    + props.ccMajor() + "." + props.ccMinor());
        }
        String ptx = PtxSource.forAssembly(name);
        signatures.put(name, PtxSignatures.parse(ptx));
        m = new CUmodule();
        String mode = System.getProperty("cassl.cuda.loader", "cubin").toLowerCase(Locale.ROOT);
        String how = null;
        if (!mode.equals("ptx")) {
            byte[] ready = CubinBundle.fromClassPath().cubin(name, props.gpuName(), ptx);
            if (ready != null && JCudaDriver.cuModuleLoadData(m, ready) == 0) {
                how = "ready cubin for " + props.gpuName() + " (cubin bundle)";
            }
        }
        if (how == null && !mode.equals("ptx")) {
            m = new CUmodule();
            try {
                PtxAssembler.Result r = PtxAssembler.assemble(ptx, props.gpuName());
                if (r.success() && JCudaDriver.cuModuleLoadData(m, r.cubin()) == 0) {
                    how = "cubin for " + props.gpuName() + " (PTX compiler " + PtxAssembler.compilerVersion() + ")";
                }
            } catch (Throwable t) {
                how = null;  // fall back to the driver's JIT below
            }
        }
        if (how == null) {
            byte[] src = ptx.getBytes(StandardCharsets.US_ASCII);
            byte[] z = Arrays.copyOf(src, src.length + 1);  // cuModuleLoadData expects NUL-terminated PTX
            m = new CUmodule();
            CudaCheck.check(JCudaDriver.cuModuleLoadData(m, z), "cuModuleLoadData(" + name + ".ptx)");
            how = "PTX JIT by the driver";
        }
        modules.put(name, m);
        loadedWith.put(name, how);
        return m;
    }

    /** How each loaded module was loaded, for {@code cassl info} and logs. */
    synchronized Map<String, String> loadedWith() {
        return new LinkedHashMap<>(loadedWith);
    }

    synchronized void unloadAll() {
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        kernels.clear();
    }
}
