package org.cassl.tensor;

/** Elementwise unary primitives. Output dtype equals input dtype unless stated. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, RSQRT, SIGMOID, TANH, RELU, SIGN, FLOOR, CEIL, ROUND,
    LOG1P, EXPM1, SIN, COS, RECIPROCAL, SQUARE,
    /** bool output: true where x != 0 is false. */
    LOGICAL_NOT,
    /** bool output. */
    ISNAN,
    /** bool output. */
    ISINF;

    /** Whether the result is a bool tensor. */
    public boolean boolResult() {
        return this == LOGICAL_NOT || this == ISNAN || this == ISINF;
    }

    /** Whether the op only makes sense on floating point data. */
    public boolean floatOnly() {
        switch (this) {
            case EXP: case LOG: case SQRT: case RSQRT: case SIGMOID: case TANH: case LOG1P: case EXPM1:
            case SIN: case COS: case RECIPROCAL:
                return true;
            default:
                return false;
        }
    }
}
