package org.cassl.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cassl.detection.FcosConfig;
import org.cassl.detection.fcos.Fcos;
import org.cassl.training.UserInputException;
import org.cassl.training.compute.Devices;
import org.cassl.training.model.ModelFiles;

/**
 * A model as bytes (config JSON and safetensors weights), shipped to executors once through a
 * broadcast. {@link #load} keeps one loaded model per executor JVM, keyed by content hash and device.
 */
public final class ModelBytes implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Fcos> CACHE = new ConcurrentHashMap<>();

    private final byte[] config;
    private final byte[] weights;
    private final String weightsName;
    private final double minScoreThresh;
    private final String hash;

    /**
     * @param minScoreThresh lowers the config's score threshold to this value when it is higher (tau)
     * @param weightsName    the weights' file name (its extension picks the loader)
     */
    public ModelBytes(byte[] config, byte[] weights, String weightsName, double minScoreThresh) {
        this.config = config;
        this.weights = weights;
        this.weightsName = weightsName;
        this.minScoreThresh = minScoreThresh;
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(config);
            d.update((byte) 0);
            d.update(weights);
            d.update(Double.toString(minScoreThresh).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            this.hash = HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of config, weights and threshold. */
    public String hash() {
        return hash;
    }

    /** The model on {@code device}, loaded once per JVM (callers serialise its use). */
    public Fcos load(String device) {
        return CACHE.computeIfAbsent(hash + "@" + device, k -> loadFresh(device));
    }

    /** Loads the model now (on the driver, to check it before any task starts). */
    public Fcos loadFresh(String device) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("cassl-model-");
            Path c = dir.resolve("config.json");
            Path w = dir.resolve(weightsName);
            Files.write(c, config);
            Files.write(w, weights);
            FcosConfig cfg = ModelFiles.config(c);
            if (minScoreThresh < cfg.scoreThresh()) {
                cfg = cfg.withScoreThresh(minScoreThresh);
            }
            Fcos m = ModelFiles.load(cfg, w, Devices.resolve(device));
            m.train(false);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the model in a temporary folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            String msg = HadoopFiles.oneLine(e);
            if (dir != null) {
                msg = msg.replace(dir.resolve("config.json").toString(), "the config").replace(dir.resolve(weightsName).toString(),
                        weightsName).replace(dir.toString() + "/", "");
            }
            throw new UserInputException("the model does not load: " + msg, e);
        } finally {
            if (dir != null) {
                try (var s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary folder left behind
                }
            }
        }
    }
}
