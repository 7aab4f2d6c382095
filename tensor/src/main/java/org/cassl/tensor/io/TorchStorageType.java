package org.cassl.tensor.io;

import org.cassl.tensor.DType;

/**
 * The {@code torch.*Storage} types a checkpoint may name, their element size in the archive and the
 * cassl dtype they load as. float16 and bfloat16 widen to F32, int32/int16/int8 widen to I64 (cassl
 * has no narrower types); both conversions are exact.
 */
enum TorchStorageType {
    FLOAT("FloatStorage", 4, DType.F32),
    DOUBLE("DoubleStorage", 8, DType.F64),
    HALF("HalfStorage", 2, DType.F32),
    BFLOAT16("BFloat16Storage", 2, DType.F32),
    LONG("LongStorage", 8, DType.I64),
    INT("IntStorage", 4, DType.I64),
    SHORT("ShortStorage", 2, DType.I64),
    CHAR("CharStorage", 1, DType.I64),
    BYTE("ByteStorage", 1, DType.U8),
    BOOL("BoolStorage", 1, DType.BOOL);

    private final String torchName;
    private final int elementSize;
    private final DType dtype;

    TorchStorageType(String torchName, int elementSize, DType dtype) {
        this.torchName = torchName;
        this.elementSize = elementSize;
        this.dtype = dtype;
    }

    /** The class name in module {@code torch}. */
    String torchName() {
        return torchName;
    }

    /** Bytes per element in the archive. */
    int elementSize() {
        return elementSize;
    }

    /** The dtype of the loaded tensor. */
    DType dtype() {
        return dtype;
    }

    /** The storage type named {@code torch.<name>}, or null. */
    static TorchStorageType byName(String name) {
        for (TorchStorageType t : values()) {
            if (t.torchName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
