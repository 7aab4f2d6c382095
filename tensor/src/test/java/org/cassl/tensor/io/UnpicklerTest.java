package org.cassl.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allow-list pickle machine on hand-written pickles. */
class UnpicklerTest {
    private static Object load(byte[] p) {
        return Unpickler.load("t.pkl", p);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object x : parts) {
            if (x instanceof String) {
                byte[] b = ((String) x).getBytes(StandardCharsets.ISO_8859_1);
                o.write(b, 0, b.length);
            } else {
                o.write((Integer) x);
            }
        }
        return o.toByteArray();
    }

    private static String msg(byte[] p) {
        return assertThrows(TorchCheckpointException.class, () -> load(p)).getMessage();
    }

    @Test
    void scalarsStringsAndContainers() {
        // {'a': [1, -2, 300, 70000, 2**40, 1.5, True, None, ()], 'b': (1, 2, 3)}
        byte[] p = bytes(0x80, 2, "}(", 0x8c, 1, "a", "](K", 1, "J", 0xfe, 0xff, 0xff, 0xff, "M", 0x2c, 1,
                "J", 0x70, 0x11, 1, 0, 0x8a, 6, 0, 0, 0, 0, 0, 1, "G", 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x88, "N)e",
                "X", 1, 0, 0, 0, "b", "K", 1, "K", 2, "K", 3, 0x87, "u.");
        Map<?, ?> d = (Map<?, ?>) load(p);
        assertEquals(List.of("a", "b"), List.copyOf(d.keySet()));
        List<?> a = (List<?>) d.get("a");
        assertEquals(List.of(1L, -2L, 300L, 70000L, 1L << 40, 1.5, true, Unpickler.NONE, new Unpickler.Tuple(List.of())), a);
        assertEquals(new Unpickler.Tuple(List.of(1L, 2L, 3L)), d.get("b"));
    }

    @Test
    void long1IsTwosComplement() {
        assertEquals(-1L, load(bytes(0x80, 2, 0x8a, 1, 0xff, ".")));
        assertEquals(255L, load(bytes(0x80, 2, 0x8a, 2, 0xff, 0, ".")));
        assertEquals(0L, load(bytes(0x80, 2, 0x8a, 0, ".")));
        assertEquals(Long.MIN_VALUE, load(bytes(0x80, 2, 0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80, ".")));
        assertTrue(msg(bytes(0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, ".")).contains("at most 64-bit"));
    }

    @Test
    void memoSharesObjects() {
        // x = []; [x, x] via BINPUT/BINGET, then LONG_BINPUT/LONG_BINGET and MEMOIZE
        byte[] p = bytes(0x80, 2, "](]q", 7, "h", 7, "r", 9, 0, 0, 0, "j", 9, 0, 0, 0, "]", 0x94, "h", 2, "e.");
        List<?> l = (List<?>) load(p);
        assertEquals(5, l.size());
        assertSame(l.get(0), l.get(1));
        assertSame(l.get(0), l.get(2));
        assertSame(l.get(3), l.get(4), "MEMOIZE stores at index len(memo)");
        assertTrue(msg(bytes(0x80, 2, "h", 3, ".")).contains("memo entry 3 is not defined"));
    }

    @Test
    void markHandling() {
        // a MARK hides what is below it: SETITEM after MARK cannot reach the dict under the mark
        assertTrue(msg(bytes(0x80, 2, "}(K", 1, "K", 2, "s.")).contains("SETITEM on an empty stack"));
        assertTrue(msg(bytes(0x80, 2, "t.")).contains("no MARK"));
        assertTrue(msg(bytes(0x80, 2, "(K", 1, ".")).contains("STOP with"));
        assertTrue(msg(bytes(0x80, 2, "}(K", 1, "u.")).contains("odd number"));
        // POP_MARK discards everything down to the mark; nested marks pop in order
        assertEquals(new Unpickler.Tuple(List.of(1L, new Unpickler.Tuple(List.of(2L)))),
                load(bytes(0x80, 2, "(K", 1, "(K", 2, "t(K", 9, "1t.")));
        assertTrue(msg(bytes(0x80, 2, "0.")).contains("stack underflow"));
    }

    @Test
    void deepNestingIsBoundedWithoutStackOverflow() {
        // 200k nested lists: the machine is iterative; the state-dict walk stops at its depth bound
        int depth = 200_000;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(2);
        for (int i = 0; i < depth; i++) {
            o.write(']');
        }
        for (int i = 0; i < depth - 1; i++) {
            o.write('a');
        }
        o.write('.');
        Object v = load(o.toByteArray());
        assertInstanceOf(List.class, v);
        // 200k nested dicts {'k': {'k': ...}} and 2M open marks
        o.reset();
        o.write(0x80);
        o.write(2);
        for (int i = 0; i < depth; i++) {
            o.write('}');
            o.write(0x8c);
            o.write(1);
            o.write('k');
        }
        o.write('}');
        for (int i = 0; i < depth; i++) {
            o.write('s');
        }
        o.write('.');
        Object d = load(o.toByteArray());
        assertInstanceOf(Map.class, d);
        byte[] marks = new byte[2_000_002];
        java.util.Arrays.fill(marks, (byte) '(');
        marks[0] = (byte) 0x80;
        marks[1] = 2;
        assertTrue(msg(marks).contains("unexpected end of data.pkl"));
    }

    @Test
    void refusesEverythingOffTheList() {
        assertEquals("t.pkl: refused global posix.system (only tensors and containers are allowed)",
                msg(bytes(0x80, 2, "cposix\nsystem\n.")));
        assertTrue(msg(bytes(0x80, 2, "ctorch\nload\n.")).contains("refused global torch.load"));
        assertTrue(msg(bytes(0x80, 2, "c__builtin__\nobject\n.")).contains("refused global __builtin__.object"));
        assertTrue(msg(bytes(0x80, 2, "ios\nsystem\n.")).contains("refused global os.system (INST)"));
        assertTrue(msg(bytes(0x80, 2, "ccollections\nOrderedDict\n)", 0x81, ".")).contains("refused object construction"));
        assertTrue(msg(bytes(0x80, 2, "K", 1, ")R.")).contains("refused call of 1"));
        assertTrue(msg(bytes(0x80, 2, "ctorch._utils\n_rebuild_tensor_v2\n}b.")).contains("BUILD on torch._utils._rebuild_tensor_v2"));
        assertTrue(msg(bytes(0x80, 2, "}}b.")).contains("refused BUILD on a dict"));
        assertTrue(msg(bytes(0x80, 2, "X", 1, 0, 0, 0, "xQ.")).contains("refused persistent id 'x'"));
        assertTrue(msg(bytes(0x80, 2, "P0\n.")).contains("refused pickle opcode PERSID"));
        // names with control characters stay on one line
        String m = msg(bytes(0x80, 2, 0x8c, 3, "a\rb", 0x8c, 1, "c", 0x93, "."));
        assertTrue(m.contains("refused global a?b.c"), m);
    }

    @Test
    void orderedDictBuildIsAcceptedAndIgnored() {
        byte[] p = bytes(0x80, 2, "ccollections\nOrderedDict\n)R(", 0x8c, 1, "k", "K", 5, "u}", 0x8c, 9, "_metadata",
                "}sb.");
        Map<?, ?> d = (Map<?, ?>) load(p);
        assertInstanceOf(Unpickler.OrderedDict.class, d);
        assertEquals(Map.of("k", 5L), Map.copyOf(d));
    }

    @Test
    void corruptLengthsAreCheckedBeforeAllocating() {
        assertTrue(msg(bytes(0x80, 2, "X", 0xff, 0xff, 0xff, 0x7f, "abc")).contains("runs past the end of data.pkl"));
        assertTrue(msg(bytes(0x80, 2, 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, ".")).contains("runs past the end"));
        assertTrue(msg(bytes(0x80, 2, "}", 0xfe)).contains("unknown pickle opcode 0xfe"));
        assertTrue(msg(bytes(0x80, 9)).contains("unsupported pickle protocol 9"));
        assertTrue(msg(bytes(0x80, 2, "}")).contains("unexpected end"));
        assertTrue(msg(bytes(0x80, 2, "X", 2, 0, 0, 0, 0xc3, 0x28, ".")).contains("not valid UTF-8"));
    }
}
