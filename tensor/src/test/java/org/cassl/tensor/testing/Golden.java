package org.cassl.tensor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.SafeTensors;
import org.cassl.tensor.io.SafeTensorsFile;

/**
 * Golden cases produced by {@code tools/golden/gen_*.py} with PyTorch: each case has JSON
 * parameters and named tensors ({@code <case>/<tensor>} in the safetensors file).
 */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Case> cases;

    /** One golden case. */
    public record Case(String name, JsonNode params, Map<String, Tensor> tensors) {
        public Tensor get(String key) {
            Tensor t = tensors.get(key);
            if (t == null) {
                throw new IllegalArgumentException("golden case " + name + " has no tensor '" + key + "' (has "
                        + tensors.keySet() + ")");
            }
            return t;
        }

        public boolean has(String key) {
            return tensors.containsKey(key);
        }

        public int intParam(String key) {
            return params.get(key).asInt();
        }

        public double doubleParam(String key) {
            return params.get(key).asDouble();
        }

        public String stringParam(String key) {
            return params.get(key).asText();
        }

        public boolean boolParam(String key, boolean dflt) {
            JsonNode n = params.get(key);
            return n == null || n.isNull() ? dflt : n.asBoolean();
        }

        public int[] intsParam(String key) {
            JsonNode n = params.get(key);
            int[] r = new int[n.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = n.get(i).asInt();
            }
            return r;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Golden(List<Case> cases) {
        this.cases = cases;
    }

    /** Loads {@code /golden/<name>.safetensors} from the test class path. */
    public static Golden load(String name) {
        String res = "/golden/" + name + ".safetensors";
        try (InputStream in = Golden.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException("golden resource " + res
                        + " not found; regenerate with /usr/bin/python3 tools/golden/generate.py");
            }
            Path tmp = Files.createTempFile("golden-" + name, ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return fromFile(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Golden fromFile(Path file) throws IOException {
        Map<String, Tensor> all = SafeTensors.read(file);
        Map<String, String> meta;
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            meta = f.metadata();
        }
        JsonNode order = JSON.readTree(meta.get("cases"));
        List<Case> cases = new ArrayList<>();
        for (JsonNode n : order) {
            String c = n.asText();
            Map<String, Tensor> ts = new LinkedHashMap<>();
            String prefix = c + "/";
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    ts.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            cases.add(new Case(c, JSON.readTree(meta.get(c)), ts));
        }
        return new Golden(cases);
    }

    public List<Case> cases() {
        return cases;
    }

    /** Cases whose name starts with {@code prefix}. */
    public List<Case> cases(String prefix) {
        List<Case> r = new ArrayList<>();
        for (Case c : cases) {
            if (c.name().startsWith(prefix)) {
                r.add(c);
            }
        }
        return r;
    }
}
