// Greedy NMS with the bitmask algorithm (torchvision semantics: suppress IoU strictly above the
// threshold, no +1 in areas). Launcher: org.cassl.kernels.ops.CudaDetection.
// 1. The host sorts scores descending (stable) and gathers the boxes in that order.
// 2. nms_mask_*: block (colBlock, rowBlock) of 64 threads; thread i of the row block compares its
//    box with the 64 boxes of the column block (staged in shared memory) and writes one 64-bit
//    word: bit j set when box (col*64 + j) comes later and overlaps too much. Only blocks on or
//    above the diagonal are computed (the scan never reads the others).
// 3. nms_scan: one block walks the row blocks in order. Thread 0 resolves the 64 boxes of the
//    block sequentially against the running `removed` words (global scratch, one bit per box) and
//    the diagonal masks; then all threads OR the rows of the boxes kept in that block into the
//    removed words of later column blocks. Only kept rows are ever read.
// 4. The keep flags are compacted with a scan (scan.cu) into the kept original indices.
#include "common.cuh"

#define NMS_BLOCK 64

// IoU of a (the earlier box in score order) and b, with the CPU backend's operations in its order
// (NmsKernel.suppresses, torchvision's float kernel): every step rounded on its own, no FMA
// contraction, so both backends keep exactly the same boxes. NoFmaContractionTest checks the PTX.
template <typename T>
__device__ __forceinline__ bool overlaps(const T* a, const T* b, double threshold) {
    T w = cmax((T)0, sub_rn(cmin(a[2], b[2]), cmax(a[0], b[0])));
    T h = cmax((T)0, sub_rn(cmin(a[3], b[3]), cmax(a[1], b[1])));
    T inter = mul_rn(w, h);
    T areaA = mul_rn(sub_rn(a[2], a[0]), sub_rn(a[3], a[1]));
    T areaB = mul_rn(sub_rn(b[2], b[0]), sub_rn(b[3], b[1]));
    T iou = inter / sub_rn(add_rn(areaA, areaB), inter);
    return (double)iou > threshold;
}

template <typename T>
__device__ void nms_mask_impl(const T* boxes, int n, double threshold, unsigned long long* mask) {
    __shared__ T cols[NMS_BLOCK * 4];
    int colBlocks = (n + NMS_BLOCK - 1) / NMS_BLOCK;
    int row = blockIdx.y;
    int col = blockIdx.x;
    if (col < row) {
        return;
    }
    int rowCount = min(n - row * NMS_BLOCK, NMS_BLOCK);
    int colCount = min(n - col * NMS_BLOCK, NMS_BLOCK);
    if (threadIdx.x < colCount) {
        const T* src = boxes + (long long)(col * NMS_BLOCK + threadIdx.x) * 4;
#pragma unroll
        for (int k = 0; k < 4; k++) cols[threadIdx.x * 4 + k] = src[k];
    }
    __syncthreads();
    if (threadIdx.x < rowCount) {
        int i = row * NMS_BLOCK + threadIdx.x;
        T box[4];
#pragma unroll
        for (int k = 0; k < 4; k++) box[k] = boxes[(long long)i * 4 + k];
        unsigned long long bits = 0ull;
        int start = row == col ? threadIdx.x + 1 : 0;
        for (int j = start; j < colCount; j++) {
            if (overlaps(box, cols + j * 4, threshold)) {
                bits |= 1ull << j;
            }
        }
        mask[(long long)i * colBlocks + col] = bits;
    }
}

extern "C" __global__ void nms_mask_f32(const float* boxes, int n, double threshold, unsigned long long* mask) {
    nms_mask_impl(boxes, n, threshold, mask);
}
extern "C" __global__ void nms_mask_f64(const double* boxes, int n, double threshold, unsigned long long* mask) {
    nms_mask_impl(boxes, n, threshold, mask);
}

// Single block. `removed` holds colBlocks zeroed words; keep[i] = 1 for kept boxes (sorted order).
extern "C" __global__ void nms_scan(const unsigned long long* mask, int n, unsigned long long* removed, int* keep) {
    __shared__ unsigned long long keptBits;
    int colBlocks = (n + NMS_BLOCK - 1) / NMS_BLOCK;
    for (int rb = 0; rb < colBlocks; rb++) {
        int rows = min(n - rb * NMS_BLOCK, NMS_BLOCK);
        if (threadIdx.x == 0) {
            unsigned long long rem = removed[rb];
            unsigned long long kept = 0ull;
            for (int i = 0; i < rows; i++) {
                if (((rem >> i) & 1ull) == 0ull) {
                    kept |= 1ull << i;
                    rem |= mask[(long long)(rb * NMS_BLOCK + i) * colBlocks + rb];
                }
            }
            keptBits = kept;
        }
        __syncthreads();
        unsigned long long kept = keptBits;
        for (int c = rb + 1 + threadIdx.x; c < colBlocks; c += blockDim.x) {
            unsigned long long acc = removed[c];
            unsigned long long k = kept;
            while (k != 0ull) {
                int i = __ffsll((long long)k) - 1;
                k &= k - 1ull;
                acc |= mask[(long long)(rb * NMS_BLOCK + i) * colBlocks + c];
            }
            removed[c] = acc;
        }
        if (threadIdx.x < rows) {
            keep[rb * NMS_BLOCK + threadIdx.x] = (int)((kept >> threadIdx.x) & 1ull);
        }
        __syncthreads();
    }
}

// boxes [n, 4] gathered in sorted order: out[i] = boxes[order[i]] (the sort's indices).
template <typename T>
__device__ void gather_boxes_impl(const T* boxes, TDesc bd, const long long* order, int n, T* out) {
    GRID_LOOP(i, n * 4) {
        int r = i >> 2;
        int k = i & 3;
        out[i] = boxes[bd.offset + (int)order[r] * bd.stride[0] + k * bd.stride[1]];
    }
}

extern "C" __global__ void gather_boxes_f32(const float* boxes, TDesc bd, const long long* order, int n, float* out) {
    gather_boxes_impl(boxes, bd, order, n, out);
}
extern "C" __global__ void gather_boxes_f64(const double* boxes, TDesc bd, const long long* order, int n, double* out) {
    gather_boxes_impl(boxes, bd, order, n, out);
}
