package org.cassl.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.cassl.tensor.DType;
import org.cassl.tensor.Tensor;

/**
 * An open safetensors file whose header has been validated. Tensors are copied out of a read-only
 * memory map on request, one at a time, so large checkpoints never need to fit in memory twice.
 */
public final class SafeTensorsFile implements AutoCloseable {
    private final Path path;
    private final SafeTensors.Header header;
    private FileChannel channel;

    SafeTensorsFile(Path path, SafeTensors.Header header) {
        this.path = path;
        this.header = header;
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(header.entries().keySet());
    }

    public boolean contains(String name) {
        return header.entries().containsKey(name);
    }

    /** The header entry (dtype, shape, offsets) of a tensor, or null. */
    public TensorEntry entry(String name) {
        return header.entries().get(name);
    }

    /** The {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return Map.copyOf(header.metadata());
    }

    /** A heap copy of one tensor. */
    public Tensor get(String name) {
        TensorEntry e = header.entries().get(name);
        if (e == null) {
            throw new SafeTensorsException(path + " has no tensor named '" + name + "'");
        }
        int n = (int) ((e.end() - e.begin()) / e.dtype().byteSize());
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            long len = e.end() - e.begin();
            if (len > Integer.MAX_VALUE) {
                throw new SafeTensorsException(path + ": tensor '" + name + "' is larger than 2 GiB");
            }
            ByteBuffer buf = len == 0 ? ByteBuffer.allocate(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + e.begin(), len);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            Object host = decode(e.dtype(), buf, n);
            if (buf instanceof MappedByteBuffer) {
                // the mapping is released when the buffer is collected
                buf = null;
            }
            return toTensor(e, host);
        } catch (IOException ex) {
            throw new SafeTensorsException("cannot read tensor '" + name + "' from " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static Object decode(DType dtype, ByteBuffer buf, int n) {
        switch (dtype) {
            case F32: {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                return a;
            }
            case F64: {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                return a;
            }
            case I64: {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                return a;
            }
            default: {
                byte[] a = new byte[n];
                buf.get(a);
                return a;
            }
        }
    }

    private Tensor toTensor(TensorEntry e, Object host) {
        switch (e.dtype()) {
            case F32: return Tensor.of((float[]) host, e.shape());
            case F64: return Tensor.of((double[]) host, e.shape());
            case I64: return Tensor.of((long[]) host, e.shape());
            case BOOL: {
                byte[] b = (byte[]) host;
                for (int i = 0; i < b.length; i++) {
                    if (b[i] != 0 && b[i] != 1) {
                        throw new SafeTensorsException(path + " is corrupt: bool tensor '" + e.name() + "' holds the value "
                                + (b[i] & 0xff) + " at element " + i);
                    }
                }
                return Tensor.of(b, DType.BOOL, e.shape());
            }
            default: return Tensor.of((byte[]) host, DType.U8, e.shape());
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
            channel = null;
        }
    }
}
