package org.cassl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A short detect-memory run: the sampling works and memory does not grow with the number of calls. */
class DetectMemoryBenchTest {
    @Test
    void memoryStaysFlatOverCalls() throws Exception {
        DetectMemoryBench.Report r = DetectMemoryBench.run(120, 64, 2, 3);
        assertEquals(5, r.samples().size(), r.table());
        assertEquals("after close", r.samples().get(4).label());
        DetectMemoryBench.Sample first = r.samples().get(1);
        DetectMemoryBench.Sample last = r.samples().get(3);
        assertTrue(last.heapMiB() - first.heapMiB() < 16, r.table());
        assertTrue(last.directMiB() - first.directMiB() < 1, r.table());
        assertTrue(r.samples().get(4).heapMiB() <= last.heapMiB() + 1, "close does not add memory: " + r.table());
    }
}
