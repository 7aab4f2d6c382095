package org.cassl.tensor;

/**
 * Result of ops that return values with their positions ({@code max(dim)}, {@code sort},
 * {@code topk}, {@code max_pool2d} with indices).
 *
 * @param values  the selected values
 * @param indices their indices along the reduced or sorted dim (I64)
 */
public record ValuesIndices(Tensor values, Tensor indices) {
}
