package org.cassl.tensor.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;
import org.cassl.tensor.io.Unpickler.StorageRef;
import org.cassl.tensor.io.Unpickler.TensorRef;

/**
 * Reads the tensors of a PyTorch checkpoint written by {@code torch.save} (the zip format PyTorch
 * has written since 1.6: {@code <archive>/data.pkl}, the storages {@code <archive>/data/<key>} and
 * {@code <archive>/byteorder}) without Python and without running anything the file says.
 *
 * <p>The pickle is interpreted by an allow-list machine, the Java counterpart of
 * {@code torch.load(..., weights_only=True)}: it builds dicts, {@code collections.OrderedDict}s,
 * lists, tuples, strings, numbers and tensors ({@code torch._utils._rebuild_tensor_v2},
 * {@code _rebuild_parameter}, the {@code torch.*Storage} types), and refuses everything else with a
 * {@link TorchCheckpointException} naming the refused global or operation. Refused names are only
 * compared with a fixed table: no class is loaded, nothing is called by reflection.
 *
 * <p>What is returned: the state dict's tensors by name, in file order. A top-level dict holding a
 * dict under {@code "state_dict"}, {@code "model"} or {@code "model_state_dict"} is unwrapped (repeatedly);
 * nested dicts are flattened with dotted names; non-tensor values (epoch numbers, strings) are skipped.
 * Views are materialised: storage offsets and strides (transposes, slices, tensors sharing a storage)
 * give contiguous tensors with the values PyTorch shows. Dtypes: float32, float64, int64, uint8 and
 * bool load as themselves; <b>float16 and bfloat16 are converted to float32</b> and int32/int16/int8 to
 * int64, because cassl's {@link DType} has no narrower types (both conversions are exact).
 *
 * <p>Hostile or broken files end with a one-line {@link TorchCheckpointException}: not a zip, no
 * {@code data.pkl}, an unknown opcode, a storage that runs past the end of its file, sizes whose
 * element count overflows or exceeds what the file could hold (checked before anything is allocated).
 */
public final class TorchCheckpoint {
    /** The largest {@code data.pkl} accepted (a state dict of 100k tensors pickles to a few MB). */
    static final long MAX_PICKLE = 256L << 20;
    /** Most elements in one tensor (Java arrays). */
    static final long MAX_NUMEL = Integer.MAX_VALUE - 8;
    /** Nesting depth of dicts walked to find tensors. */
    static final int MAX_DEPTH = 32;
    private static final String[] WRAPPERS = {"state_dict", "model", "model_state_dict"};

    private TorchCheckpoint() {
    }

    /**
     * Whether a file starts like a zip archive (the torch.save format) rather than safetensors.
     *
     * @param path a file
     * @return true when its first bytes are the zip local-header magic {@code PK\3\4}
     */
    public static boolean hasZipMagic(Path path) {
        byte[] head = new byte[4];
        try (InputStream s = Files.newInputStream(path)) {
            if (s.readNBytes(head, 0, 4) < 4) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /**
     * Reads every tensor of the checkpoint's state dict.
     *
     * @param path a {@code .pth}/{@code .pt}/{@code .bin} file written by {@code torch.save}
     * @return name to heap tensor, in file order
     * @throws TorchCheckpointException when the file is missing, corrupt, or holds anything refused
     */
    public static Map<String, Tensor> read(Path path) {
        long fileSize;
        try {
            fileSize = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new TorchCheckpointException("checkpoint file not found: " + path);
        } catch (IOException e) {
            throw new TorchCheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (!hasZipMagic(path)) {
            throw new TorchCheckpointException(path + " is not a PyTorch checkpoint in the zip format of torch.save "
                    + "(PyTorch >= 1.6); re-save a legacy file with a newer PyTorch");
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            return new Reader(path, zip, fileSize).read();
        } catch (ZipException e) {
            throw new TorchCheckpointException(path + " is corrupt: not a readable zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new TorchCheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** One read of one archive. */
    private static final class Reader {
        private final Path path;
        private final ZipFile zip;
        private final long fileSize;
        private String prefix;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        Reader(Path path, ZipFile zip, long fileSize) {
            this.path = path;
            this.zip = zip;
            this.fileSize = fileSize;
        }

        private TorchCheckpointException corrupt(String what) {
            return new TorchCheckpointException(path + " is corrupt: " + what);
        }

        Map<String, Tensor> read() throws IOException {
            ZipEntry pkl = findPickle();
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(readEntry(bo, 16, "byteorder"), StandardCharsets.US_ASCII).trim();
                if (s.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!s.equals("little")) {
                    throw corrupt("byteorder is '" + Unpickler.printable(s) + "', not little or big");
                }
            }
            byte[] pickle = readEntry(pkl, MAX_PICKLE, "data.pkl");
            Object root = Unpickler.load(path.toString(), pickle);
            Map<String, TensorRef> refs = new LinkedHashMap<>();
            collect(stateDict(root), "", refs, 0);
            return materialise(refs);
        }

        private ZipEntry findPickle() {
            ZipEntry found = null;
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String n = e.getName();
                int slash = n.indexOf('/');
                if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                    if (found != null) {
                        throw corrupt("it holds two data.pkl (" + found.getName() + ", " + n + ")");
                    }
                    found = e;
                }
            }
            if (found == null) {
                throw new TorchCheckpointException(path + " is not a torch.save checkpoint: the zip has no <archive>/data.pkl");
            }
            prefix = found.getName().substring(0, found.getName().length() - "data.pkl".length());
            return found;
        }

        /** All bytes of an entry, at most {@code max}; the declared size is not trusted for allocation. */
        private byte[] readEntry(ZipEntry e, long max, String what) throws IOException {
            if (e.getSize() > max) {
                throw corrupt(what + " declares " + e.getSize() + " bytes (at most " + max + " are accepted)");
            }
            try (InputStream s = zip.getInputStream(e)) {
                byte[] b = s.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8) + 1);
                if (b.length > max) {
                    throw corrupt(what + " is larger than " + max + " bytes");
                }
                return b;
            } catch (ZipException ex) {
                throw corrupt(what + " cannot be read (" + ex.getMessage() + ")");
            }
        }

        private Map<?, ?> stateDict(Object root) {
            if (!(root instanceof Map)) {
                throw new TorchCheckpointException(path + " holds " + Unpickler.describe(root)
                        + ", not a state dict (a dict of tensors)");
            }
            Map<?, ?> m = (Map<?, ?>) root;
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                Map<?, ?> inner = null;
                for (String w : WRAPPERS) {
                    if (m.get(w) instanceof Map) {
                        inner = (Map<?, ?>) m.get(w);
                        break;
                    }
                }
                if (inner == null) {
                    return m;
                }
                m = inner;
            }
            throw corrupt("state dicts nested more than " + MAX_DEPTH + " levels deep");
        }

        private void collect(Map<?, ?> m, String prefix, Map<String, TensorRef> out, int depth) {
            if (depth >= MAX_DEPTH) {
                throw corrupt("dicts nested more than " + MAX_DEPTH + " levels deep");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = e.getKey();
                if (!(k instanceof String) && !(k instanceof Long)) {
                    continue;
                }
                String name = prefix + k;
                Object v = e.getValue();
                if (v instanceof TensorRef) {
                    if (out.put(name, (TensorRef) v) != null) {
                        throw corrupt("two tensors are named '" + Unpickler.printable(name) + "'");
                    }
                } else if (v instanceof Map) {
                    collect((Map<?, ?>) v, name + ".", out, depth + 1);
                }
            }
        }

        private Map<String, Tensor> materialise(Map<String, TensorRef> refs) throws IOException {
            // validate every view before reading any storage
            Map<String, Integer> uses = new HashMap<>();
            long produced = 0;
            long budget = Math.addExact(Math.multiplyExact(Math.max(fileSize, 1), 16), 64L << 20);
            List<int[]> shapes = new ArrayList<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                int[] shape = check(e.getKey(), e.getValue());
                shapes.add(shape);
                long numel = numel(shape);
                produced += numel * e.getValue().storage().type().dtype().byteSize();
                if (produced > budget) {
                    throw corrupt("its tensors would take " + produced + "+ bytes in memory, far more than a file of "
                            + fileSize + " bytes can hold (overlapping views?)");
                }
                uses.merge(e.getValue().storage().key(), 1, Integer::sum);
            }
            Map<String, ByteBuffer> cache = new HashMap<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                TensorRef t = e.getValue();
                StorageRef s = t.storage();
                ByteBuffer data = cache.get(s.key());
                if (data == null) {
                    data = readStorage(e.getKey(), s);
                    cache.put(s.key(), data);
                }
                out.put(e.getKey(), build(e.getKey(), t, shapes.get(i++), data));
                if (uses.merge(s.key(), -1, Integer::sum) == 0) {
                    cache.remove(s.key());
                }
            }
            return out;
        }

        /** Validates a view against its storage with overflow-safe arithmetic; returns its int shape. */
        private int[] check(String name, TensorRef t) {
            String where = "tensor '" + Unpickler.printable(name) + "'";
            StorageRef s = t.storage();
            long[] size = t.size();
            long[] stride = t.stride();
            int[] shape = new int[size.length];
            long numel = 1;
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) {
                    throw corrupt(where + " has a negative size or stride");
                }
                numel = satMul(numel, size[d]);
            }
            if (numel > MAX_NUMEL) {
                throw corrupt(where + " declares " + (numel == Long.MAX_VALUE ? "more than 2^63" : numel)
                        + " elements (at most " + MAX_NUMEL + " are supported)");
            }
            for (int d = 0; d < size.length; d++) {
                if (size[d] > MAX_NUMEL) { // an empty tensor with one huge dimension
                    throw corrupt(where + " has a dimension of " + size[d] + " elements");
                }
                shape[d] = (int) size[d];
            }
            long storageBytes = satMul(s.numel(), s.type().elementSize());
            if (storageBytes > MAX_NUMEL || storageBytes > fileSize) {
                throw corrupt(where + " uses storage " + Unpickler.printable(s.key()) + " of " + s.numel()
                        + " elements, more than the file of " + fileSize + " bytes holds");
            }
            if (t.offset() < 0) {
                throw corrupt(where + " has a negative storage offset");
            }
            if (numel > 0) {
                long last = t.offset();
                for (int d = 0; d < size.length; d++) {
                    last = satAdd(last, satMul(size[d] - 1, stride[d]));
                }
                if (last >= s.numel()) {
                    throw corrupt(where + " reads element " + last + " of storage " + Unpickler.printable(s.key())
                            + ", which has " + s.numel());
                }
            }
            return shape;
        }

        private ByteBuffer readStorage(String name, StorageRef s) throws IOException {
            ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
            if (e == null) {
                throw corrupt("tensor '" + Unpickler.printable(name) + "' uses storage data/" + Unpickler.printable(s.key())
                        + ", which is not in the archive");
            }
            int bytes = (int) (s.numel() * s.type().elementSize()); // checked against MAX_NUMEL above
            byte[] b;
            try (InputStream in = zip.getInputStream(e)) {
                b = in.readNBytes(bytes); // grows with what is really there, never the declared size at once
            } catch (ZipException ex) {
                throw corrupt("storage data/" + Unpickler.printable(s.key()) + " cannot be read (" + ex.getMessage() + ")");
            }
            if (b.length < bytes) {
                throw corrupt("storage data/" + Unpickler.printable(s.key()) + " has " + b.length + " bytes but tensor '"
                        + Unpickler.printable(name) + "' needs " + bytes + " (" + s.numel() + " x " + s.type().torchName() + ")");
            }
            return ByteBuffer.wrap(b).order(order);
        }

        private Tensor build(String name, TensorRef t, int[] shape, ByteBuffer data) {
            int n = (int) numel(shape);
            long[] stride = t.stride();
            long base = t.offset();
            TorchStorageType type = t.storage().type();
            switch (type) {
                case FLOAT: {
                    float[] a = new float[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.getFloat((int) src * 4));
                    return Tensor.of(a, shape);
                }
                case HALF: {
                    float[] a = new float[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = halfToFloat(data.getShort((int) src * 2)));
                    return Tensor.of(a, shape);
                }
                case BFLOAT16: {
                    float[] a = new float[n];
                    gather(shape, stride, base,
                            (dst, src) -> a[dst] = Float.intBitsToFloat((data.getShort((int) src * 2) & 0xffff) << 16));
                    return Tensor.of(a, shape);
                }
                case DOUBLE: {
                    double[] a = new double[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.getDouble((int) src * 8));
                    return Tensor.of(a, shape);
                }
                case LONG: {
                    long[] a = new long[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.getLong((int) src * 8));
                    return Tensor.of(a, shape);
                }
                case INT: {
                    long[] a = new long[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.getInt((int) src * 4));
                    return Tensor.of(a, shape);
                }
                case SHORT: {
                    long[] a = new long[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.getShort((int) src * 2));
                    return Tensor.of(a, shape);
                }
                case CHAR: {
                    long[] a = new long[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.get((int) src));
                    return Tensor.of(a, shape);
                }
                case BYTE: {
                    byte[] a = new byte[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.get((int) src));
                    return Tensor.of(a, DType.U8, shape);
                }
                default: {
                    byte[] a = new byte[n];
                    gather(shape, stride, base, (dst, src) -> a[dst] = data.get((int) src));
                    for (int i = 0; i < n; i++) {
                        if (a[i] != 0 && a[i] != 1) {
                            throw corrupt("bool tensor '" + Unpickler.printable(name) + "' holds the value " + (a[i] & 0xff));
                        }
                    }
                    return Tensor.of(a, DType.BOOL, shape);
                }
            }
        }
    }

    /** Copies one element: destination index (row-major) and source storage element. */
    @FunctionalInterface
    private interface Copy {
        void copy(int dst, long src);
    }

    /** Walks a view in row-major order with an odometer (no recursion). */
    private static void gather(int[] shape, long[] stride, long base, Copy c) {
        int rank = shape.length;
        long n = numel(shape);
        if (n == 0) {
            return;
        }
        int[] idx = new int[rank];
        long src = base;
        for (int dst = 0; dst < n; dst++) {
            c.copy(dst, src);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    src += stride[d];
                    break;
                }
                src -= stride[d] * (shape[d] - 1);
                idx[d] = 0;
            }
        }
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** a * b for non-negative operands, saturating at Long.MAX_VALUE. */
    static long satMul(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    /** a + b for non-negative operands, saturating at Long.MAX_VALUE. */
    static long satAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /** IEEE binary16 bits to float (exact). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }
}
