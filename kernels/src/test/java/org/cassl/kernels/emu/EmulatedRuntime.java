package org.cassl.kernels.emu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cassl.kernels.memory.Block;
import org.cassl.kernels.memory.CachingAllocator;
import org.cassl.kernels.memory.DeviceMemory;
import org.cassl.kernels.runtime.DeviceProperties;
import org.cassl.kernels.runtime.DeviceRuntime;
import org.cassl.kernels.runtime.HostBuffers;
import org.cassl.kernels.runtime.KernelArgs;
import org.cassl.kernels.runtime.KernelHandle;
import org.cassl.kernels.runtime.LaunchConfig;
import org.cassl.kernels.runtime.PtxSignatures;
import org.cassl.kernels.runtime.PtxSource;
import org.cassl.tensor.Device;

/**
 * A {@link DeviceRuntime} whose kernels really run, on the CPU: the .cu sources compiled with the
 * fiber emulator into {@code target/emu/libcassl_emu.so} (built on first use with g++ and libffi).
 * With it the whole CUDA backend, Java launchers included, can be compared with the CPU backend
 * on a machine without a GPU. Not a performance model; one launch at a time.
 */
public final class EmulatedRuntime implements DeviceRuntime {
    /** The kernels module's directory: {@code -Dcassl.kernels.dir}, else the working directory (Maven's). */
    private static final Path ROOT = Path.of(System.getProperty("cassl.kernels.dir", ""));
    private static final Path EMU = ROOT.resolve("src/test/cuda-emu");
    private static final Path CUDA = ROOT.resolve("src/main/cuda");
    private static final Path LIB = ROOT.resolve(Path.of("target", "emu", "libcassl_emu.so"));
    private static String loadError;
    private static boolean loaded;

    private final CachingAllocator allocator;
    private final DeviceProperties props;
    private final Map<String, PtxSignatures> modules = new HashMap<>();
    private final Block errorBlock;

    /** Whether the emulation library is (or could be made) available; the reason otherwise. */
    public static synchronized String unavailableReason() {
        if (!loaded && loadError == null) {
            try {
                build();
                System.load(LIB.toAbsolutePath().toString());
                loaded = true;
            } catch (Throwable t) {
                loadError = t.toString();
            }
        }
        return loaded ? null : loadError;
    }

    /** An emulated device with {@code multiprocessors} SMs of compute capability {@code sm}. */
    public EmulatedRuntime(int sm, int multiprocessors) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException("kernel emulation unavailable: " + why);
        }
        this.props = new DeviceProperties(0, "emulated sm_" + sm, sm / 10, sm % 10, multiprocessors, 1L << 34);
        this.allocator = new CachingAllocator(new NativeMemory());
        this.errorBlock = allocator.allocate(32);
        EmuNative.memset(errorBlock.address(), 0, 32);
    }

    private static final class NativeMemory implements DeviceMemory {
        @Override
        public Block allocate(long bytes) {
            long a = EmuNative.malloc(bytes);
            if (a == 0) {
                throw new org.cassl.kernels.memory.DeviceOutOfMemoryException(bytes, "malloc failed");
            }
            return new Block(a, bytes, null);
        }

        @Override
        public void free(Block block) {
            EmuNative.free(block.address());
        }

        @Override
        public long freeBytes() {
            return 1L << 34;
        }

        @Override
        public long totalBytes() {
            return 1L << 34;
        }
    }

    private static void build() throws IOException, InterruptedException {
        if (!System.getProperty("os.arch").matches("amd64|x86_64")) {
            throw new IllegalStateException("the emulator's fiber switch is x86-64 only");
        }
        if (Files.exists(LIB) && !stale()) {
            return;
        }
        Files.createDirectories(LIB.getParent());
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> cmd = List.of("g++", "-std=c++20", "-O1", "-shared", "-fPIC", "-DCASSL_EMU", "-include",
                EMU.resolve("cuda_emu.h").toString(), "-I" + CUDA, "-I" + EMU, "-I" + javaHome.resolve("include"),
                "-I" + javaHome.resolve("include/linux"), "-I/usr/include/x86_64-linux-gnu", EMU.resolve("jni_kernels.cpp").toString(),
                "-o", LIB.toString(), "-lffi", "-ldl");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("building the kernel emulator failed: " + log);
        }
    }

    private static boolean stale() throws IOException {
        FileTime built = Files.getLastModifiedTime(LIB);
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> a = Files.list(EMU); Stream<Path> b = Files.list(CUDA)) {
            a.forEach(sources::add);
            b.forEach(sources::add);
        }
        for (Path s : sources) {
            if (Files.getLastModifiedTime(s).compareTo(built) > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Device device() {
        return Device.cuda(0);
    }

    @Override
    public DeviceProperties properties() {
        return props;
    }

    @Override
    public CachingAllocator allocator() {
        return allocator;
    }

    @Override
    public synchronized KernelHandle kernel(String module, String function) {
        PtxSignatures sig = modules.computeIfAbsent(module, m -> PtxSignatures.parse(PtxSource.forAssembly(m)));
        int[] sizes = sig.sizes(function);
        if (sizes == null) {
            throw new IllegalArgumentException("PTX module " + module + " has no kernel " + function);
        }
        if (props.sm() < PtxSource.minimumSm(module)) {
            throw new UnsupportedOperationException(module + " needs sm_" + PtxSource.minimumSm(module));
        }
        return new KernelHandle(module, function, sizes, sig.types(function));
    }

    @Override
    public synchronized void launch(KernelHandle kernel, LaunchConfig c, KernelArgs args) {
        PtxSignatures.check(kernel.name(), kernel.paramSizes(), args);
        String[] types = (String[]) kernel.function();
        int[] codes = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            codes[i] = typeCode(types[i], kernel.paramSizes()[i]);
        }
        EmuNative.launch(kernel.name(), c.gridX(), c.gridY(), c.gridZ(), c.blockX() * c.blockY(),
                args.params().toArray(new byte[0][]), codes);
    }

    static int typeCode(String ptxType, int size) {
        switch (ptxType) {
            case ".u64": case ".s64": case ".b64": return 0;
            case ".u32": case ".s32": case ".b32": return 1;
            case ".f64": return 2;
            case ".f32": return 3;
            case ".u8": case ".s8": case ".b8": return 4;
            default: return 100 + size;
        }
    }

    @Override
    public void memset8(long address, int value, long bytes) {
        if (bytes > 0) {
            EmuNative.memset(address, value, bytes);
        }
    }

    @Override
    public void memset32(long address, int value, long count) {
        if (count > 0) {
            EmuNative.memset32(address, value, count);
        }
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes > 0) {
            EmuNative.memcpy(dst, src, bytes);
        }
    }

    @Override
    public void upload(long dst, Object hostArray, int first, int count) {
        int es = HostBuffers.elementSize(hostArray);
        ByteBuffer b = ByteBuffer.allocate(count * es);
        HostBuffers.put(b, hostArray, first, count);
        EmuNative.put(dst, b.array());
    }

    @Override
    public void download(long src, Object hostArray, int first, int count) {
        int es = HostBuffers.elementSize(hostArray);
        byte[] raw = new byte[count * es];
        EmuNative.get(src, raw);
        HostBuffers.get(ByteBuffer.wrap(raw), hostArray, first, count);
    }

    @Override
    public void synchronize() {
    }

    @Override
    public long errorWord() {
        return errorBlock.address();
    }

    @Override
    public synchronized long[] takeError() {
        long[] w = new long[4];
        download(errorBlock.address(), w, 0, 4);
        if (w[0] == 0) {
            return null;
        }
        EmuNative.memset(errorBlock.address(), 0, 32);
        return w;
    }

    @Override
    public float timeMillis(Runnable body) {
        long t0 = System.nanoTime();
        body.run();
        return (System.nanoTime() - t0) / 1e6f;
    }

    @Override
    public void close() {
        allocator.releaseAll();
    }
}
