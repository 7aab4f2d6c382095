package org.cassl.training.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.training.UserInputException;

/**
 * Checkpoints of a run folder: {@code checkpoints/iter-000123/} with {@code weights.safetensors},
 * {@code optimizer.safetensors} and {@code state.json}. A checkpoint is written into a temporary
 * folder and renamed into place, so a run killed at any moment leaves either the complete new
 * checkpoint or none; the newest complete one is what {@link #latest()} returns.
 */
public final class CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "iter-";
    private final Path dir;
    private final int keep;

    /** @param keep how many most recent checkpoints to keep (older ones are deleted) */
    public CheckpointStore(Path runDir, int keep) {
        this.dir = runDir.resolve("checkpoints");
        this.keep = Math.max(1, keep);
    }

    public Path directory() {
        return dir;
    }

    /** Writes a checkpoint atomically and prunes old ones. */
    public Path save(long iteration, Map<String, Tensor> weights, Map<String, Tensor> optimizer, JsonNode state) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(String.format("%s%09d", PREFIX, iteration));
            Path tmp = Files.createTempDirectory(dir, ".tmp-" + iteration + "-");
            SafeTensors.write(tmp.resolve("weights.safetensors"), weights);
            SafeTensors.write(tmp.resolve("optimizer.safetensors"), optimizer);
            Files.writeString(tmp.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state),
                    StandardCharsets.UTF_8);
            org.cassl.tensor.io.PublicFiles.makePublic(tmp);
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p.resolve("state.json"))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Checkpoint> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(load(all.get(all.size() - 1)));
    }

    /** Reads a checkpoint folder. */
    public static Checkpoint load(Path ckpt) {
        try {
            JsonNode state = JSON.readTree(Files.readString(ckpt.resolve("state.json"), StandardCharsets.UTF_8));
            long iter = state.path("iteration").asLong(-1);
            if (iter < 0) {
                throw new UserInputException("checkpoint " + ckpt + " is corrupt: state.json has no iteration");
            }
            return new Checkpoint(ckpt, iter, SafeTensors.read(ckpt.resolve("weights.safetensors")),
                    SafeTensors.read(ckpt.resolve("optimizer.safetensors")), state);
        } catch (IOException e) {
            throw new UserInputException("cannot read checkpoint " + ckpt + ": " + e.getMessage(), e);
        }
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".tmp-*")) {
            for (Path p : ds) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
