package org.cassl.tensor.cpu;

import org.cassl.tensor.BinaryOp;
import org.cassl.tensor.IndexOutOfRangeException;
import org.cassl.tensor.TensorException;
import org.cassl.tensor.UnaryOp;

/** Scalar definitions of every elementwise op: the reference the fast paths are tested against. */
final class MathOps {
    private MathOps() {
    }

    static double unary(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case ABS: return Math.abs(x);
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case RSQRT: return 1.0 / Math.sqrt(x);
            case SIGMOID: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case TANH: return Math.tanh(x);
            case RELU: return x <= 0 ? 0.0 : x;
            case SIGN: return Double.isNaN(x) ? 0.0 : Math.signum(x);
            case FLOOR: return Math.floor(x);
            case CEIL: return Math.ceil(x);
            case ROUND: return Math.rint(x);
            case LOG1P: return Math.log1p(x);
            case EXPM1: return Math.expm1(x);
            case SIN: return Math.sin(x);
            case COS: return Math.cos(x);
            case RECIPROCAL: return 1.0 / x;
            case SQUARE: return x * x;
            case LOGICAL_NOT: return x == 0 ? 1 : 0;
            case ISNAN: return Double.isNaN(x) ? 1 : 0;
            case ISINF: return Double.isInfinite(x) ? 1 : 0;
            default: throw new IllegalStateException("unhandled unary op " + op);
        }
    }

    static long unaryL(UnaryOp op, long x) {
        switch (op) {
            case NEG: return -x;
            case ABS: return Math.abs(x);
            case RELU: return Math.max(x, 0);
            case SIGN: return Long.signum(x);
            case FLOOR: case CEIL: case ROUND: return x;
            case SQUARE: return x * x;
            case LOGICAL_NOT: return x == 0 ? 1 : 0;
            case ISNAN: case ISINF: return 0;
            default: throw new TensorException(op.name().toLowerCase(java.util.Locale.ROOT) + ": not supported for integer tensors");
        }
    }

    static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case POW: return Math.pow(a, b);
            case MAXIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MINIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case REMAINDER: {
                double r = a % b;
                return r != 0 && (r < 0) != (b < 0) ? r + b : r;
            }
            case FLOOR_DIV: return Math.floor(a / b);
            case ATAN2: return Math.atan2(a, b);
            case EQ: return a == b ? 1 : 0;
            case NE: return a != b ? 1 : 0;
            case LT: return a < b ? 1 : 0;
            case LE: return a <= b ? 1 : 0;
            case GT: return a > b ? 1 : 0;
            case GE: return a >= b ? 1 : 0;
            case LOGICAL_AND: return a != 0 && b != 0 ? 1 : 0;
            case LOGICAL_OR: return a != 0 || b != 0 ? 1 : 0;
            case LOGICAL_XOR: return (a != 0) != (b != 0) ? 1 : 0;
            default: throw new IllegalStateException("unhandled binary op " + op);
        }
    }

    static long binaryL(BinaryOp op, long a, long b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case POW: {
                if (b < 0) {
                    if (a == 1) {
                        return 1;
                    }
                    if (a == -1) {
                        return (b & 1) == 0 ? 1 : -1;
                    }
                    throw new TensorException("pow: integers to negative integer powers are not allowed (" + a + "^" + b + ")");
                }
                long r = 1;
                long base = a;
                long e = b;
                while (e > 0) {
                    if ((e & 1) == 1) {
                        r *= base;
                    }
                    base *= base;
                    e >>= 1;
                }
                return r;
            }
            case MAXIMUM: return Math.max(a, b);
            case MINIMUM: return Math.min(a, b);
            case REMAINDER:
                if (b == 0) {
                    throw new IndexOutOfRangeException("remainder: integer division by zero");
                }
                return Math.floorMod(a, b);
            case FLOOR_DIV:
                if (b == 0) {
                    throw new IndexOutOfRangeException("floor_divide: integer division by zero");
                }
                return Math.floorDiv(a, b);
            case EQ: return a == b ? 1 : 0;
            case NE: return a != b ? 1 : 0;
            case LT: return a < b ? 1 : 0;
            case LE: return a <= b ? 1 : 0;
            case GT: return a > b ? 1 : 0;
            case GE: return a >= b ? 1 : 0;
            case LOGICAL_AND: return a != 0 && b != 0 ? 1 : 0;
            case LOGICAL_OR: return a != 0 || b != 0 ? 1 : 0;
            case LOGICAL_XOR: return (a != 0) != (b != 0) ? 1 : 0;
            default: throw new TensorException(op.name().toLowerCase(java.util.Locale.ROOT) + ": not supported for integer tensors");
        }
    }
}
