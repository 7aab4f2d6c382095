package org.cassl.tensor;

/** Reduction primitives. MEAN is composed (SUM / count) in the tensor layer. */
public enum ReduceOp {
    SUM, PROD, MAX, MIN,
    /** bool output: any element non-zero. */
    ANY,
    /** bool output: all elements non-zero. */
    ALL
}
