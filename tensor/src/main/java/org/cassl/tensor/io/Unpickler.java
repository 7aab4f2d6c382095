package org.cassl.tensor.io;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An allow-list pickle virtual machine for the {@code data.pkl} of a {@code torch.save} archive:
 * the opcodes of pickle protocols 2 to 4 that torch emits, and nothing that could run code. The
 * only globals it knows are {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the {@code torch.*Storage} types; they are matched by
 * name against a fixed table and never looked up, loaded or called reflectively. Anything else (another
 * global, a call of something that is not on the list, {@code BUILD} on anything but an OrderedDict,
 * {@code NEWOBJ}, {@code INST}, ...) ends the load with a {@link TorchCheckpointException} that names it.
 *
 * <p>Values: Python {@code str} is {@link String}, {@code int} is {@link Long}, {@code float} is
 * {@link Double}, {@code bool} is {@link Boolean}, {@code None} is {@link #NONE}, {@code bytes} is
 * {@code byte[]}, lists are {@link ArrayList}, tuples are {@link Tuple}, dicts are {@link LinkedHashMap}
 * (an {@link OrderedDict} for {@code collections.OrderedDict}), tensors are {@link TensorRef} (their
 * data is read later from the archive). The machine is iterative: nesting depth costs heap, not stack.
 */
final class Unpickler {
    /** Python's {@code None}. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {
        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    /** A {@code collections.OrderedDict}. */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** An allow-listed global, identified by name only. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage of the archive, {@code data/<key>}, as named by a persistent id. */
    record StorageRef(String key, TorchStorageType type, long numel) {
    }

    /** A tensor view: storage, element offset, sizes and strides (in elements). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");

    private final String source;
    private final byte[] in;
    private int pos;
    private int opPos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    private Unpickler(String source, byte[] in) {
        this.source = source;
        this.in = in;
    }

    /**
     * Runs the pickle to its STOP and returns the value it produced.
     *
     * @param source names the file in messages
     * @param pickle the pickle bytes
     */
    static Object load(String source, byte[] pickle) {
        return new Unpickler(source, pickle).run();
    }

    private TorchCheckpointException corrupt(String what) {
        return new TorchCheckpointException(source + " is corrupt: data.pkl at byte " + opPos + ": " + what);
    }

    private TorchCheckpointException refused(String what) {
        return new TorchCheckpointException(source + ": refused " + what + " (only tensors and containers are allowed)");
    }

    private Object run() {
        while (true) {
            opPos = pos;
            int op = u8();
            switch (op) {
                case 0x80: { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw corrupt("unsupported pickle protocol " + v);
                    }
                    break;
                }
                case 0x95: // FRAME (protocol 4): an 8-byte length, framing only
                    take(8);
                    break;
                case '.': { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw corrupt("STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.get(0);
                }
                case '(': // MARK
                    marks.push(stack.size());
                    break;
                case '}': // EMPTY_DICT
                    stack.add(new LinkedHashMap<Object, Object>());
                    break;
                case ']': // EMPTY_LIST
                    stack.add(new ArrayList<Object>());
                    break;
                case ')': // EMPTY_TUPLE
                    stack.add(new Tuple(List.of()));
                    break;
                case 'N':
                    stack.add(NONE);
                    break;
                case 0x88:
                    stack.add(Boolean.TRUE);
                    break;
                case 0x89:
                    stack.add(Boolean.FALSE);
                    break;
                case 'J': // BININT
                    stack.add((long) i32());
                    break;
                case 'K': // BININT1
                    stack.add((long) u8());
                    break;
                case 'M': // BININT2
                    stack.add((long) (u8() | u8() << 8));
                    break;
                case 0x8a: // LONG1
                    stack.add(long1(u8()));
                    break;
                case 0x8b: { // LONG4
                    long n = i32();
                    if (n < 0 || n > 8) {
                        throw corrupt("integer of " + n + " bytes (at most 64-bit integers are supported)");
                    }
                    stack.add(long1((int) n));
                    break;
                }
                case 'G': // BINFLOAT (big-endian double)
                    stack.add(Double.longBitsToDouble(be64()));
                    break;
                case 'X': // BINUNICODE
                    stack.add(utf8(length(i32() & 0xffffffffL)));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    stack.add(utf8(u8()));
                    break;
                case 0x8d: // BINUNICODE8
                    stack.add(utf8(length(le64())));
                    break;
                case 'C': // SHORT_BINBYTES
                    stack.add(take(u8()).clone());
                    break;
                case 'B': // BINBYTES
                    stack.add(take(length(i32() & 0xffffffffL)).clone());
                    break;
                case 't': { // TUPLE
                    stack.add(new Tuple(popMark()));
                    break;
                }
                case 0x85:
                    stack.add(new Tuple(popN(1)));
                    break;
                case 0x86:
                    stack.add(new Tuple(popN(2)));
                    break;
                case 0x87:
                    stack.add(new Tuple(popN(3)));
                    break;
                case 'l': // LIST
                    stack.add(new ArrayList<>(popMark()));
                    break;
                case 'd': { // DICT
                    List<Object> kv = popMark();
                    Map<Object, Object> d = new LinkedHashMap<>();
                    putPairs(d, kv);
                    stack.add(d);
                    break;
                }
                case 's': { // SETITEM
                    List<Object> kv = popN(2);
                    putPairs(dictAt(stack.size() - 1, "SETITEM"), kv);
                    break;
                }
                case 'u': { // SETITEMS
                    List<Object> kv = popMark();
                    putPairs(dictAt(stack.size() - 1, "SETITEMS"), kv);
                    break;
                }
                case 'a': { // APPEND
                    List<Object> v = popN(1);
                    listAt(stack.size() - 1, "APPEND").add(v.get(0));
                    break;
                }
                case 'e': { // APPENDS
                    List<Object> vs = popMark();
                    listAt(stack.size() - 1, "APPENDS").addAll(vs);
                    break;
                }
                case '0': // POP
                    popN(1);
                    break;
                case '1': // POP_MARK
                    popMark();
                    break;
                case '2': // DUP
                    stack.add(top("DUP"));
                    break;
                case 'q': // BINPUT
                    memo.put((long) u8(), top("BINPUT"));
                    break;
                case 'r': // LONG_BINPUT
                    memo.put(i32() & 0xffffffffL, top("LONG_BINPUT"));
                    break;
                case 0x94: // MEMOIZE
                    memo.put((long) memo.size(), top("MEMOIZE"));
                    break;
                case 'h': // BINGET
                    stack.add(memoGet(u8()));
                    break;
                case 'j': // LONG_BINGET
                    stack.add(memoGet(i32() & 0xffffffffL));
                    break;
                case 'c': { // GLOBAL: "module\nname\n"
                    String module = line();
                    String name = line();
                    stack.add(global(module, name));
                    break;
                }
                case 0x93: { // STACK_GLOBAL
                    List<Object> mn = popN(2);
                    if (!(mn.get(0) instanceof String) || !(mn.get(1) instanceof String)) {
                        throw corrupt("STACK_GLOBAL needs two strings");
                    }
                    stack.add(global((String) mn.get(0), (String) mn.get(1)));
                    break;
                }
                case 'R': { // REDUCE
                    List<Object> fa = popN(2);
                    stack.add(reduce(fa.get(0), fa.get(1)));
                    break;
                }
                case 'b': { // BUILD
                    popN(1); // the state: accepted and ignored on an OrderedDict (torch's _metadata)
                    Object target = top("BUILD");
                    if (!(target instanceof OrderedDict)) {
                        throw refused("BUILD on " + describe(target));
                    }
                    break;
                }
                case 'Q': { // BINPERSID
                    List<Object> pid = popN(1);
                    stack.add(persistentLoad(pid.get(0)));
                    break;
                }
                case 0x81: // NEWOBJ
                case 0x92: // NEWOBJ_EX
                    throw refused("object construction (" + opName(op) + ") of " + describe(stack.isEmpty() ? null
                            : stack.get(Math.max(0, stack.size() - (op == 0x81 ? 2 : 3)))));
                case 'i': // INST
                    throw refused("global " + line() + "." + line() + " (INST)");
                case 'o': // OBJ
                case 'P': // PERSID (text)
                case 0x82: case 0x83: case 0x84: // EXT1/2/4
                    throw refused("pickle opcode " + opName(op));
                default:
                    throw corrupt(String.format("unknown pickle opcode 0x%02x", op));
            }
        }
    }

    private static String opName(int op) {
        switch (op) {
            case 0x81: return "NEWOBJ";
            case 0x92: return "NEWOBJ_EX";
            case 'o': return "OBJ";
            case 'P': return "PERSID";
            default: return "EXT";
        }
    }

    // ---- allow-list -----------------------------------------------------------------------------

    private Object global(String module, String name) {
        Global g = new Global(module, name);
        if (g.equals(ORDERED_DICT) || g.equals(REBUILD_TENSOR) || g.equals(REBUILD_PARAMETER)) {
            return g;
        }
        if (module.equals("torch") && TorchStorageType.byName(name) != null) {
            return g;
        }
        throw refused("global " + printable(module) + "." + printable(name));
    }

    private Object reduce(Object callable, Object argsObj) {
        if (!(callable instanceof Global)) {
            throw refused("call of " + describe(callable));
        }
        Global g = (Global) callable;
        if (!(argsObj instanceof Tuple)) {
            throw corrupt("REDUCE of " + g.qualified() + " without an argument tuple");
        }
        Tuple args = (Tuple) argsObj;
        if (g.equals(ORDERED_DICT)) {
            OrderedDict d = new OrderedDict();
            if (args.size() == 1 && args.get(0) instanceof List) {
                for (Object item : (List<?>) args.get(0)) {
                    if (!(item instanceof Tuple) || ((Tuple) item).size() != 2) {
                        throw corrupt("OrderedDict item is not a (key, value) pair");
                    }
                    putPairs(d, ((Tuple) item).items());
                }
            } else if (args.size() != 0) {
                throw corrupt("OrderedDict called with " + args.size() + " arguments");
            }
            return d;
        }
        if (g.equals(REBUILD_TENSOR)) {
            return rebuildTensor(args);
        }
        if (g.equals(REBUILD_PARAMETER)) {
            if (args.size() < 1 || !(args.get(0) instanceof TensorRef)) {
                throw corrupt("_rebuild_parameter without a tensor");
            }
            return args.get(0);
        }
        throw refused("call of " + g.qualified());
    }

    private TensorRef rebuildTensor(Tuple a) {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.size() < 4 || a.size() > 7 || !(a.get(0) instanceof StorageRef) || !(a.get(1) instanceof Long)
                || !(a.get(2) instanceof Tuple) || !(a.get(3) instanceof Tuple)) {
            throw corrupt("malformed _rebuild_tensor_v2 arguments");
        }
        long[] size = longs((Tuple) a.get(2), "size");
        long[] stride = longs((Tuple) a.get(3), "stride");
        if (size.length != stride.length) {
            throw corrupt("tensor with " + size.length + " sizes but " + stride.length + " strides");
        }
        return new TensorRef((StorageRef) a.get(0), (Long) a.get(1), size, stride);
    }

    private long[] longs(Tuple t, String what) {
        if (t.size() > 64) {
            throw corrupt("tensor " + what + " with " + t.size() + " dimensions");
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long)) {
                throw corrupt("tensor " + what + " holds a " + describe(t.get(i)));
            }
            out[i] = (Long) t.get(i);
        }
        return out;
    }

    private Object persistentLoad(Object pid) {
        // ('storage', storage_type, key, location, numel)
        if (!(pid instanceof Tuple) || ((Tuple) pid).size() != 5 || !"storage".equals(((Tuple) pid).get(0))) {
            throw refused("persistent id " + describe(pid) + " (only torch storages are allowed)");
        }
        Tuple t = (Tuple) pid;
        if (!(t.get(1) instanceof Global) || !((Global) t.get(1)).module().equals("torch")
                || TorchStorageType.byName(((Global) t.get(1)).name()) == null) {
            throw refused("storage type " + describe(t.get(1)));
        }
        if (!(t.get(2) instanceof String) || !(t.get(4) instanceof Long) || (Long) t.get(4) < 0) {
            throw corrupt("malformed storage persistent id");
        }
        String key = (String) t.get(2);
        TorchStorageType type = TorchStorageType.byName(((Global) t.get(1)).name());
        StorageRef ref = new StorageRef(key, type, (Long) t.get(4));
        StorageRef prev = storages.putIfAbsent(key, ref);
        if (prev != null && !prev.equals(ref)) {
            throw corrupt("storage " + key + " is declared twice with different types or sizes");
        }
        return prev != null ? prev : ref;
    }

    /** A short description of a value for messages: never recursive. */
    static String describe(Object v) {
        if (v instanceof Global) {
            return ((Global) v).qualified();
        }
        if (v == null) {
            return "nothing";
        }
        if (v == NONE) {
            return "None";
        }
        if (v instanceof String) {
            String s = (String) v;
            return "'" + printable(s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return String.valueOf(v);
        }
        if (v instanceof Tuple) {
            return "a tuple of " + ((Tuple) v).size();
        }
        if (v instanceof OrderedDict) {
            return "an OrderedDict";
        }
        if (v instanceof Map) {
            return "a dict";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof TensorRef) {
            return "a tensor";
        }
        if (v instanceof StorageRef) {
            return "a storage";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        return v.getClass().getSimpleName();
    }

    /** Keeps messages on one line: control characters become '?', long names are cut. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }

    // ---- containers -----------------------------------------------------------------------------

    private void putPairs(Map<Object, Object> d, List<Object> kv) {
        if (kv.size() % 2 != 0) {
            throw corrupt("odd number of dict items");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            if (!(k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean || k == NONE)) {
                throw corrupt("dict key of type " + describe(k) + " is not supported");
            }
            d.put(k, kv.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictAt(int i, String op) {
        if (i < floor() || !(stack.get(i) instanceof Map)) {
            throw corrupt(op + " on " + (i < floor() ? "an empty stack" : describe(stack.get(i))));
        }
        return (Map<Object, Object>) stack.get(i);
    }

    @SuppressWarnings("unchecked")
    private List<Object> listAt(int i, String op) {
        if (i < floor() || !(stack.get(i) instanceof ArrayList)) {
            throw corrupt(op + " on " + (i < floor() ? "an empty stack" : describe(stack.get(i))));
        }
        return (List<Object>) stack.get(i);
    }

    private Object top(String op) {
        if (stack.size() <= floor()) {
            throw corrupt(op + " on an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private int floor() {
        return marks.isEmpty() ? 0 : marks.peek();
    }

    private List<Object> popN(int n) {
        if (stack.size() - floor() < n) {
            throw corrupt("stack underflow");
        }
        List<Object> tail = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw corrupt("no MARK on the stack");
        }
        int m = marks.pop();
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private Object memoGet(long i) {
        Object v = memo.get(i);
        if (v == null) {
            throw corrupt("memo entry " + i + " is not defined");
        }
        return v;
    }

    // ---- bytes ----------------------------------------------------------------------------------

    private int u8() {
        if (pos >= in.length) {
            throw corrupt("unexpected end of data.pkl");
        }
        return in[pos++] & 0xff;
    }

    private int i32() {
        return u8() | u8() << 8 | u8() << 16 | u8() << 24;
    }

    private long le64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) u8() << (8 * i);
        }
        return v;
    }

    private long be64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | u8();
        }
        return v;
    }

    /** A length that must fit in what is left of the pickle (checked before anything is allocated). */
    private int length(long n) {
        if (n < 0 || n > in.length - pos) {
            throw corrupt("a length of " + Long.toUnsignedString(n) + " bytes runs past the end of data.pkl");
        }
        return (int) n;
    }

    private byte[] take(int n) {
        length(n);
        byte[] b = new byte[n];
        System.arraycopy(in, pos, b, 0, n);
        pos += n;
        return b;
    }

    private String utf8(int n) {
        byte[] b = take(n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt("a string is not valid UTF-8");
        }
    }

    /** A little-endian two's complement integer of n bytes (LONG1/LONG4). */
    private Long long1(int n) {
        if (n > 8) {
            throw corrupt("integer of " + n + " bytes (at most 64-bit integers are supported)");
        }
        byte[] b = take(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (b[i] & 0xff) << (8 * i);
        }
        if (n > 0 && n < 8 && (b[n - 1] & 0x80) != 0) {
            v |= -1L << (8 * n);
        }
        return v;
    }

    /** A text line (GLOBAL/INST operands), at most 256 bytes, as ASCII-safe text. */
    private String line() {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            if (pos - start > 256) {
                throw corrupt("GLOBAL name longer than 256 bytes");
            }
            pos++;
        }
        if (pos >= in.length) {
            throw corrupt("unexpected end of data.pkl in a GLOBAL name");
        }
        String s = new String(in, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }
}
