// Device-wide exclusive prefix sum of int32 (counts below 2^31): the building block of nonzero,
// stream compaction (NMS) and the radix sort. Launcher: org.cassl.kernels.ops.DeviceScan.
// Level 1: scan_tiles scans tiles of SCAN_TILE elements and writes each tile's total; the totals
// are scanned the same way (recursively, on the host side), then scan_add_tiles adds each tile's
// scanned total to its elements.
#include "common.cuh"

#define SCAN_THREADS 256
#define SCAN_ITEMS 8
#define SCAN_TILE (SCAN_THREADS * SCAN_ITEMS)

extern "C" __global__ void __launch_bounds__(SCAN_THREADS) scan_tiles(const int* in, int* out, int n, int* tileTotals) {
    __shared__ int tile[SCAN_TILE];
    __shared__ int warpSums[32];
    int base = blockIdx.x * SCAN_TILE;
    // coalesced load into shared memory
    for (int k = threadIdx.x; k < SCAN_TILE; k += SCAN_THREADS) {
        int i = base + k;
        tile[k] = i < n ? in[i] : 0;
    }
    __syncthreads();
    int items[SCAN_ITEMS];
    int sum = 0;
#pragma unroll
    for (int k = 0; k < SCAN_ITEMS; k++) {
        items[k] = tile[threadIdx.x * SCAN_ITEMS + k];
        sum += items[k];
    }
    // exclusive scan of the per-thread sums across the block
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int incl = sum;
    for (int o = 1; o < 32; o <<= 1) {
        int u = __shfl_up_sync(0xffffffffu, incl, o);
        if (lane >= o) incl += u;
    }
    if (lane == 31) warpSums[warp] = incl;
    __syncthreads();
    if (warp == 0) {
        int w = lane < (SCAN_THREADS / 32) ? warpSums[lane] : 0;
        for (int o = 1; o < 32; o <<= 1) {
            int u = __shfl_up_sync(0xffffffffu, w, o);
            if (lane >= o) w += u;
        }
        warpSums[lane] = w;
    }
    __syncthreads();
    int running = (warp > 0 ? warpSums[warp - 1] : 0) + incl - sum;
    if (threadIdx.x == SCAN_THREADS - 1 && tileTotals != nullptr) {
        tileTotals[blockIdx.x] = running + sum;
    }
    __syncthreads();  // everyone has read tile[] for items before it is overwritten
#pragma unroll
    for (int k = 0; k < SCAN_ITEMS; k++) {
        tile[threadIdx.x * SCAN_ITEMS + k] = running;
        running += items[k];
    }
    __syncthreads();
    for (int k = threadIdx.x; k < SCAN_TILE; k += SCAN_THREADS) {
        int i = base + k;
        if (i < n) out[i] = tile[k];
    }
}

extern "C" __global__ void scan_add_tiles(int* out, int n, const int* scannedTotals) {
    GRID_LOOP(i, n) {
        out[i] += scannedTotals[i / SCAN_TILE];
    }
}

// Stream compaction helper: out[positions[i]] = (long long) i for flagged i (indices of kept items),
// optionally mapped through `order` (then out gets order[i]).
extern "C" __global__ void compact_indices(const int* flags, const int* positions, int n, const long long* order,
                                           long long* out) {
    GRID_LOOP(i, n) {
        if (flags[i]) {
            out[positions[i]] = order != nullptr ? order[i] : (long long)i;
        }
    }
}
