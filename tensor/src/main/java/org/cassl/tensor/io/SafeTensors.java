package org.cassl.tensor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.DType;
import org.cassl.tensor.Device;
import org.cassl.tensor.Shapes;
import org.cassl.tensor.Tensor;

/**
 * Reading and writing the safetensors format: an 8-byte little-endian header length, a JSON
 * header ({@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__}
 * strings), then the raw little-endian data. Writes are atomic (temporary file, then rename).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers larger than this are rejected as corrupt (the reference implementation uses 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** Writes tensors (in map order) with no metadata. */
    public static void write(Path path, Map<String, Tensor> tensors) {
        write(path, tensors, Map.of());
    }

    /** Writes tensors and string metadata atomically. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long pos = 0;
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new SafeTensorsException("cannot write " + path + ": '__metadata__' is reserved and cannot name a tensor");
            }
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * t.dtype().byteSize();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            for (int s : t.shape()) {
                shape.add(s);
            }
            ArrayNode offs = entry.putArray("data_offsets");
            offs.add(pos);
            offs.add(pos + bytes);
            pos += bytes;
            order.add(t);
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException("cannot encode safetensors header for " + path + ": " + e.getMessage(), e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(headerBytes);
                for (int i = headerBytes.length; i < padded; i++) {
                    out.write(' ');
                }
                for (Tensor t : order) {
                    writeData(out, t);
                }
            }
            PublicFiles.makePublic(tmp);
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SafeTensorsException("cannot write " + path + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        Object host = t.device().isCpu() ? t.backend().download(t) : t.to(Device.CPU).backend().download(t.to(Device.CPU));
        int n = t.numel();
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            buf.clear();
            if (host instanceof float[]) {
                buf.asFloatBuffer().put((float[]) host, start, end - start);
                buf.position((end - start) * 4);
            } else if (host instanceof double[]) {
                buf.asDoubleBuffer().put((double[]) host, start, end - start);
                buf.position((end - start) * 8);
            } else if (host instanceof long[]) {
                buf.asLongBuffer().put((long[]) host, start, end - start);
                buf.position((end - start) * 8);
            } else {
                buf.put((byte[]) host, start, end - start);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Opens a file and validates its header; tensors are read lazily from a memory map. */
    public static SafeTensorsFile open(Path path) {
        return new SafeTensorsFile(path, readHeader(path));
    }

    /** Reads every tensor of a file into heap tensors (names in file order). */
    public static Map<String, Tensor> read(Path path) {
        try (SafeTensorsFile f = open(path)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : f.names()) {
                out.put(name, f.get(name));
            }
            return out;
        }
    }

    /** The parsed and validated header of a file. */
    record Header(long dataStart, long dataLength, Map<String, TensorEntry> entries, Map<String, String> metadata) {
    }

    static Header readHeader(Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new SafeTensorsException("safetensors file not found: " + path);
        } catch (IOException e) {
            throw new SafeTensorsException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (size < 8) {
            throw new SafeTensorsException(path + " is not a safetensors file: only " + size + " bytes");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new SafeTensorsException(path + " is corrupt: header length " + headerLen + " does not fit a file of "
                        + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            String text = new String(hb.array(), StandardCharsets.UTF_8);
            return parseHeader(path, text, 8 + headerLen, size - 8 - headerLen);
        } catch (IOException e) {
            throw new SafeTensorsException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static Header parseHeader(Path path, String text, long dataStart, long dataLength) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException(path + " is corrupt: the header is not valid JSON ("
                    + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(path + " is corrupt: the header is not a JSON object");
        }
        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        var fields = root.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafeTensorsException(path + " is corrupt: __metadata__ is not an object");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new SafeTensorsException(path + " is corrupt: metadata value '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            entries.put(name, parseEntry(path, name, v, dataLength));
        }
        checkLayout(path, entries, dataLength);
        return new Header(dataStart, dataLength, entries, metadata);
    }

    private static TensorEntry parseEntry(Path path, String name, JsonNode v, long dataLength) {
        String where = path + " is corrupt: tensor '" + name + "'";
        if (!v.isObject()) {
            throw new SafeTensorsException(where + " has no header object");
        }
        JsonNode dt = v.get("dtype");
        JsonNode shapeNode = v.get("shape");
        JsonNode offs = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) {
            throw new SafeTensorsException(where + " has no dtype");
        }
        DType dtype = DType.fromSafetensorsName(dt.asText());
        if (dtype == null) {
            throw new SafeTensorsException(path + ": tensor '" + name + "' has dtype " + dt.asText()
                    + ", which cassl does not support (F32, F64, I64, U8, BOOL)");
        }
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafeTensorsException(where + " has no shape array");
        }
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || s.asLong() < 0 || s.asLong() > Integer.MAX_VALUE || !s.isIntegralNumber()) {
                throw new SafeTensorsException(where + " has an invalid shape " + shapeNode);
            }
            shape[i] = (int) s.asLong();
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE) {
                throw new SafeTensorsException(where + " has more than 2^31-1 elements (shape " + shapeNode + ")");
            }
        }
        if (offs == null || !offs.isArray() || offs.size() != 2 || !offs.get(0).isIntegralNumber()
                || !offs.get(1).isIntegralNumber()) {
            throw new SafeTensorsException(where + " has invalid data_offsets " + offs);
        }
        long begin = offs.get(0).asLong();
        long end = offs.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw new SafeTensorsException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataLength + " bytes");
        }
        if (end - begin != numel * dtype.byteSize()) {
            throw new SafeTensorsException(where + " has " + (end - begin) + " bytes but shape " + Shapes.str(shape)
                    + " of " + dtype + " needs " + numel * dtype.byteSize());
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    private static void checkLayout(Path path, Map<String, TensorEntry> entries, long dataLength) {
        List<TensorEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long pos = 0;
        for (TensorEntry e : sorted) {
            if (e.begin() < pos) {
                throw new SafeTensorsException(path + " is corrupt: tensor '" + e.name() + "' overlaps the previous tensor");
            }
            if (e.begin() > pos) {
                throw new SafeTensorsException(path + " is corrupt: " + (e.begin() - pos)
                        + " unused bytes before tensor '" + e.name() + "'");
            }
            pos = e.end();
        }
        if (pos != dataLength) {
            throw new SafeTensorsException(path + " is corrupt: the data section has " + dataLength
                    + " bytes but the tensors use " + pos);
        }
    }
}
