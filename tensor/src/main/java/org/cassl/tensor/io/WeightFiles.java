package org.cassl.tensor.io;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.cassl.tensor.Tensor;

/**
 * Weights by file type: safetensors files through {@link SafeTensors}, PyTorch checkpoints
 * ({@code .pth}, {@code .pt}, {@code .bin}, {@code .ckpt}, or any file that starts like a zip archive)
 * through {@link TorchCheckpoint}, whose allow-list never runs code from the file.
 */
public final class WeightFiles {
    private WeightFiles() {
    }

    /**
     * Whether a path is read as a PyTorch checkpoint: by extension, else by the zip magic.
     *
     * @param path a weights file
     * @return true for a {@code torch.save} checkpoint, false for safetensors
     */
    public static boolean isTorchCheckpoint(Path path) {
        Path f = path.getFileName();
        String name = f == null ? "" : f.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return false;
        }
        if (name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".bin") || name.endsWith(".ckpt")) {
            return true;
        }
        return TorchCheckpoint.hasZipMagic(path);
    }

    /**
     * All tensors of a weights file, in file order.
     *
     * @param path a safetensors file or a PyTorch checkpoint (see {@link TorchCheckpoint} for how
     *             its dtypes map; float16/bfloat16 become float32)
     * @return name to heap tensor
     * @throws SafeTensorsException (or its subclass {@link TorchCheckpointException}) for a missing,
     *                              corrupt or refused file
     */
    public static Map<String, Tensor> read(Path path) {
        return isTorchCheckpoint(path) ? TorchCheckpoint.read(path) : SafeTensors.read(path);
    }

    /**
     * Converts a weights file (typically a PyTorch checkpoint) to safetensors, atomically: the
     * output appears complete or not at all. The metadata records {@code format=pt} and the source
     * file name.
     *
     * @param in  a PyTorch checkpoint or safetensors file
     * @param out the safetensors file to write (replaced if present)
     */
    public static void convert(Path in, Path out) {
        Map<String, Tensor> tensors = read(in);
        Path src = in.getFileName();
        SafeTensors.write(out, tensors, Map.of("format", "pt", "source", src == null ? in.toString() : src.toString()));
    }
}
