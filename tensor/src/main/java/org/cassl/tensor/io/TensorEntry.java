package org.cassl.tensor.io;

import org.cassl.tensor.DType;

/**
 * One tensor's header entry in a safetensors file.
 *
 * @param name  tensor name
 * @param dtype element type
 * @param shape dimensions
 * @param begin start of its bytes, relative to the data section
 * @param end   end (exclusive) of its bytes
 */
public record TensorEntry(String name, DType dtype, int[] shape, long begin, long end) {
}
