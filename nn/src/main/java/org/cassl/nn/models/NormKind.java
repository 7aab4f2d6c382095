package org.cassl.nn.models;

import org.cassl.nn.Layer;
import org.cassl.nn.layers.BatchNorm2d;
import org.cassl.nn.layers.FrozenBatchNorm2d;

/** Which normalisation layer a backbone uses after each convolution. */
public enum NormKind {
    /** {@code torch.nn.BatchNorm2d}: trainable affine terms, running statistics updated in training mode. */
    BATCH,
    /** torchvision's {@code FrozenBatchNorm2d}: fixed statistics and affine terms (buffers only). */
    FROZEN;

    /** A new normalisation layer over {@code channels} channels. */
    public Layer create(int channels) {
        return this == BATCH ? new BatchNorm2d(channels) : new FrozenBatchNorm2d(channels);
    }
}
