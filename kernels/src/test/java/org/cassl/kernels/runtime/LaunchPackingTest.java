package org.cassl.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel argument packing, C struct layout and PTX signature parsing (host-side, no GPU). */
class LaunchPackingTest {

    @Test
    void argumentsAreLittleEndianWithTheirNaturalSizes() {
        KernelArgs a = KernelArgs.of().ptr(0x1122334455667788L).i32(-2).f64(1.5).u8(200).f32(2f);
        List<byte[]> p = a.params();
        assertEquals(5, a.count());
        assertArrayEquals(new byte[] {(byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, p.get(0));
        assertEquals(-2, ByteBuffer.wrap(p.get(1)).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(1.5, ByteBuffer.wrap(p.get(2)).order(ByteOrder.LITTLE_ENDIAN).getDouble());
        assertArrayEquals(new byte[] {(byte) 200}, p.get(3));
        assertEquals(4, p.get(4).length);
        assertEquals(List.of(KernelArgs.Kind.POINTER, KernelArgs.Kind.VALUE, KernelArgs.Kind.VALUE, KernelArgs.Kind.VALUE,
                KernelArgs.Kind.VALUE), a.kinds());
    }

    @Test
    void structsFollowCAlignment() {
        // struct { int a; double b; int c; } -> a@0, b@8, c@16, size 24
        byte[] s = new StructPacker().i32(1).f64(2.0).i32(3).toBytes();
        assertEquals(24, s.length);
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getInt(0));
        assertEquals(2.0, b.getDouble(8));
        assertEquals(3, b.getInt(16));
        // six ints then two doubles (InterpGeom): no padding, 40 bytes
        assertEquals(40, new StructPacker().i32s(1, 2, 3, 4, 5, 6).f64(0).f64(0).toBytes().length);
        // ints only: 4-byte alignment, no tail padding
        assertEquals(52, new StructPacker().i32s(new int[13]).toBytes().length);
    }

    @Test
    void ptxEntrySignaturesAreParsed() {
        String ptx = ".version 9.0\n.target sm_75\n.address_size 64\n"
                + ".visible .entry k1(\n\t.param .u64 k1_param_0,\n\t.param .align 4 .b8 k1_param_1[72],\n"
                + "\t.param .u32 k1_param_2,\n\t.param .f64 k1_param_3,\n\t.param .u8 k1_param_4\n)\n{\n ret;\n}\n"
                + ".visible .entry k2()\n{\n ret;\n}\n";
        PtxSignatures s = PtxSignatures.parse(ptx);
        assertArrayEquals(new int[] {8, 72, 4, 8, 1}, s.sizes("k1"));
        assertArrayEquals(new int[0], s.sizes("k2"));
        assertNull(s.sizes("k3"));
    }

    @Test
    void launchesThatDoNotMatchTheSignatureAreRejected() {
        int[] sizes = {8, 4};
        PtxSignatures.check("k", sizes, KernelArgs.of().ptr(1).i32(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PtxSignatures.check("k", sizes, KernelArgs.of().ptr(1)));
        assertTrue(e.getMessage().contains("takes 2 parameters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PtxSignatures.check("k", sizes, KernelArgs.of().ptr(1).i64(2)));
        assertTrue(e.getMessage().contains("parameter 1 is 4 bytes"), e.getMessage());
    }

    @Test
    void shippedModulesAllHaveKernels() {
        for (String m : PtxSource.MODULES) {
            assertTrue(!PtxSignatures.parse(PtxSource.raw(m)).all().isEmpty(), m);
        }
    }

    @Test
    void launchConfigRejectsIllegalShapes() {
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 70000, 1, 32));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.of(1, 2048));
        assertEquals(1, LaunchConfig.gridStride(0, 256, 100).gridX());
        assertEquals(100, LaunchConfig.gridStride(1L << 40, 256, 100).gridX());
        assertEquals(4, LaunchConfig.gridStride(1000, 256, 100).gridX());
    }

    @Test
    void hostBuffersRoundTripEveryArrayType() {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        long[] l = {1, -2, Long.MAX_VALUE};
        HostBuffers.put(b, l, 0, 3);
        long[] back = new long[4];
        HostBuffers.get(b, back, 1, 3);
        assertArrayEquals(new long[] {0, 1, -2, Long.MAX_VALUE}, back);
        float[] f = {1.5f, -0f, Float.NaN};
        HostBuffers.put(b, f, 1, 2);
        float[] fb = new float[2];
        HostBuffers.get(b, fb, 0, 2);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(fb[0]));
        assertTrue(Float.isNaN(fb[1]));
        assertThrows(IllegalArgumentException.class, () -> HostBuffers.elementSize(new int[1]));
    }
}
