package org.cassl.tensor;

/**
 * Element types. The order of declaration is PyTorch's promotion order: when two tensors meet in a
 * binary op, the result has the later of the two types ({@link #promote}).
 */
public enum DType {
    BOOL(1, "BOOL"),
    U8(1, "U8"),
    I64(8, "I64"),
    F32(4, "F32"),
    F64(8, "F64");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element in memory and in safetensors files. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers ({@code "F32"}, {@code "BOOL"}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F64;
    }

    /** Integral types including bool. */
    public boolean isIntegral() {
        return !isFloatingPoint();
    }

    /** PyTorch's type promotion for two tensor operands. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The safetensors name back to a dtype, or {@code null} when cassl does not support it. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Lower-case name as PyTorch prints it ({@code float32}, {@code int64}, ...). */
    public String torchName() {
        switch (this) {
            case BOOL: return "bool";
            case U8: return "uint8";
            case I64: return "int64";
            case F32: return "float32";
            default: return "float64";
        }
    }
}
