package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed prebuilt PTX (used when nvcc is absent) is current: its stamp carries the hash of
 * the CUDA sources it was built from, and when this build ran nvcc its output equals the copy.
 * Refresh with {@code kernels/build-ptx.sh --update-prebuilt}.
 */
class PrebuiltPtxTest {
    static final Path SRC = Path.of("src/main/cuda");
    static final Path PREBUILT = Path.of("src/main/ptx-prebuilt");

    /** Same bytes as build-ptx.sh's sources_hash: for each file sorted by name, "name\n" then its contents. */
    static String sourcesHash() throws IOException, NoSuchAlgorithmException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SRC)) {
            files = s.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh"))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .collect(Collectors.toList());
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path f : files) {
            all.write((f.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
            all.write(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray()));
    }

    @Test
    void prebuiltStampMatchesTheSources() throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(PREBUILT.resolve("PREBUILT.properties"))) {
            p.load(in);
        }
        assertEquals(sourcesHash(), p.getProperty("sources_sha256"),
                "src/main/ptx-prebuilt is stale: run kernels/build-ptx.sh --update-prebuilt and commit it");
        for (String m : PtxSource.MODULES) {
            assertTrue(Files.exists(PREBUILT.resolve(m + ".ptx")), m + ".ptx is not in the prebuilt copy");
        }
    }

    @Test
    void nvccOutputEqualsThePrebuiltCopy() throws IOException {
        Properties p = new Properties();
        try (InputStream in = PtxSource.class.getResourceAsStream("/ptx/PTX_SOURCE.properties")) {
            p.load(in);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue("nvcc".equals(p.getProperty("source")), "this build used prebuilt PTX");
        for (String m : PtxSource.MODULES) {
            assertEquals(Files.readString(PREBUILT.resolve(m + ".ptx"), StandardCharsets.US_ASCII), PtxSource.raw(m),
                    m + ".ptx differs from the prebuilt copy: run kernels/build-ptx.sh --update-prebuilt");
        }
    }
}
