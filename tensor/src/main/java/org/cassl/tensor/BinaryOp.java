package org.cassl.tensor;

/** Elementwise binary primitives. Both operands share a dtype; comparisons and logic give bool. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    /** Python-style remainder (sign of the divisor), as {@code torch.remainder}. */
    REMAINDER,
    /** Floor division as {@code torch.div(rounding_mode="floor")}. */
    FLOOR_DIV,
    /** atan2(a, b). */
    ATAN2,
    EQ, NE, LT, LE, GT, GE,
    LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR;

    /** Comparisons and logical ops produce bool tensors. */
    public boolean boolResult() {
        return ordinal() >= EQ.ordinal();
    }

    public boolean isLogical() {
        return this == LOGICAL_AND || this == LOGICAL_OR || this == LOGICAL_XOR;
    }
}
