package org.cassl.kernels.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

/**
 * Ready-made cubins of every kernel module, assembled ahead of time (on the build machine, with no
 * GPU) by the PTX compiler in JCuda's natives, so the GPU machine neither assembles nor JITs.
 *
 * <p>A bundle is a jar holding {@code cubin/<module>.<sm_XY>.cubin} and {@code cubin/cubins.properties}
 * with the SHA-256 of the exact PTX (ISA lowered to 8.0) each cubin came from. {@code KernelLibrary}
 * looks for the bundle on the class path first and uses a cubin only when that hash equals the hash
 * of the PTX in the kernels jar: a bundle older than the kernels is ignored, never loaded. Build one
 * with {@code java -cp ... org.cassl.kernels.runtime.CubinBundle OUT.jar sm_80,sm_90}
 * ({@code bench/prepare-gpu-check.sh} does it into {@code .device/lib}).
 */
public final class CubinBundle {
    /** Where the manifest lives in the bundle and on the class path. */
    public static final String MANIFEST = "cubin/cubins.properties";
    private static volatile CubinBundle onClassPath;

    private final Properties manifest;
    private final Map<String, byte[]> cubins;

    private CubinBundle(Properties manifest, Map<String, byte[]> cubins) {
        this.manifest = manifest;
        this.cubins = cubins;
    }

    /** The bundle on the class path (empty when there is none). */
    public static CubinBundle fromClassPath() {
        CubinBundle b = onClassPath;
        if (b == null) {
            Properties p = new Properties();
            try (InputStream in = CubinBundle.class.getResourceAsStream("/" + MANIFEST)) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                p.clear();
            }
            b = new CubinBundle(p, null);
            onClassPath = b;
        }
        return b;
    }

    /** Reads a bundle jar. */
    public static CubinBundle read(Path jar) throws IOException {
        Properties p = new Properties();
        Map<String, byte[]> files = new HashMap<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                if (e.getName().equals(MANIFEST)) {
                    p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)));
                } else if (e.getName().startsWith("cubin/")) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return new CubinBundle(p, files);
    }

    /** Number of cubins the manifest lists. */
    public int size() {
        return (int) manifest.stringPropertyNames().stream().filter(k -> k.endsWith(".ptx_sha256")).count();
    }

    /**
     * The cubin of {@code module} for {@code gpuName} (such as {@code sm_90}), when the bundle has one
     * assembled from exactly {@code ptx}; null otherwise.
     */
    public byte[] cubin(String module, String gpuName, String ptx) {
        String key = module + "." + gpuName;
        String hash = manifest.getProperty(key + ".ptx_sha256");
        if (hash == null || !hash.equals(sha256(ptx))) {
            return null;
        }
        String path = "cubin/" + key + ".cubin";
        if (cubins != null) {
            return cubins.get(path);
        }
        try (InputStream in = CubinBundle.class.getResourceAsStream("/" + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** Hex SHA-256 of the PTX text. */
    static String sha256(String ptx) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ptx.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Assembles {@code modules} for every target (those a module supports, see
     * {@link PtxSource#minimumSm}) and writes the bundle jar. Throws when any assembly fails.
     *
     * @return a one-line report per cubin
     */
    public static String write(Path jar, String[] modules, String[] targets) throws IOException {
        StringBuilder report = new StringBuilder();
        Properties p = new Properties();
        p.setProperty("compiler", "nvPTXCompiler " + PtxAssembler.compilerVersion());
        p.setProperty("ptx", PtxSource.provenance());
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os)) {
            for (String m : modules) {
                String ptx = PtxSource.forAssembly(m);
                for (String t : targets) {
                    if (Integer.parseInt(t.substring(3)) < PtxSource.minimumSm(m)) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    PtxAssembler.Result r = PtxAssembler.assemble(ptx, t);
                    if (!r.success()) {
                        throw new IllegalStateException(m + " does not assemble for " + t + ": " + r.errorLog());
                    }
                    out.putNextEntry(new JarEntry("cubin/" + m + "." + t + ".cubin"));
                    out.write(r.cubin());
                    out.closeEntry();
                    p.setProperty(m + "." + t + ".ptx_sha256", sha256(ptx));
                    report.append(String.format("%-16s %-6s %8d bytes  %5d ms%n", m, t, r.cubin().length,
                            (System.nanoTime() - t0) / 1_000_000));
                }
            }
            out.putNextEntry(new JarEntry(MANIFEST));
            StringWriter w = new StringWriter();
            p.store(w, "cassl cubins: module.target.ptx_sha256 = SHA-256 of the PTX (ISA 8.0) each cubin was assembled from");
            out.write(w.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return report.toString();
    }

    /**
     * {@code CubinBundle OUT.jar [sm_80,sm_90]}: assembles every module of the kernels jar for the
     * targets and writes the bundle; exit status 1 when a module does not assemble.
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: CubinBundle OUT.jar [sm_80,sm_90]");
            System.exit(2);
        }
        String[] targets = (args.length > 1 ? args[1] : "sm_80,sm_90").split(",");
        try {
            long t0 = System.nanoTime();
            System.out.print(write(Path.of(args[0]), PtxSource.MODULES, targets));
            System.out.printf("cubins for %s written to %s (%d bytes) in %.1f s%n", String.join(",", targets), args[0],
                    Files.size(Path.of(args[0])), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            System.err.println("cubin bundle failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
