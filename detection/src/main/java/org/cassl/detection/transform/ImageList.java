package org.cassl.detection.transform;

import java.util.List;
import org.cassl.tensor.Tensor;

/**
 * A padded batch of images (torchvision's {@code ImageList}).
 *
 * @param tensors    {@code [N, C, Hp, Wp]}, each image at the top-left, zeros elsewhere
 * @param imageSizes N {@code {height, width}} of the images before padding
 */
public record ImageList(Tensor tensors, List<int[]> imageSizes) {
    public ImageList {
        imageSizes = imageSizes.stream().map(int[]::clone).toList();
    }

    @Override
    public List<int[]> imageSizes() {
        return imageSizes.stream().map(int[]::clone).toList();
    }

    public int size() {
        return imageSizes.size();
    }

    /** Height of the padded batch. */
    public int paddedHeight() {
        return tensors.size(2);
    }

    /** Width of the padded batch. */
    public int paddedWidth() {
        return tensors.size(3);
    }
}
