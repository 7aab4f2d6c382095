// A small CUDA execution emulator for testing kernel logic on the CPU: the .cu files compile as
// C++20 with this header force-included (g++ -include cuda_emu.h -DCASSL_EMU). Blocks run one
// after another; the threads of a block are real threads, so __syncthreads is a barrier and warp
// shuffles exchange values through a per-warp slot array between two barriers. __shared__ becomes
// static (one block at a time). Enough for the kernels in src/main/cuda, not a general emulator:
// shuffles require all 32 lanes of a warp to take part, as they do in our kernels.
#pragma once
#include <math.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__
#define __launch_bounds__(...)
#define __shared__ static

// Threads of a block are fibers (ucontext) run by one OS thread: a fiber runs until it waits at a
// barrier (__syncthreads, or the warp barrier inside a shuffle) or finishes; a barrier opens when
// every live fiber of its block (or warp) has arrived. Deterministic, and a missing __syncthreads
// shows up as stale shared data because fibers run their segments one after another.
// Context switch without the signal-mask syscalls of swapcontext (x86-64 System V): saves the
// callee-saved registers on the current stack, stores the stack pointer, loads the other one.
extern "C" void emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .text
    .globl emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
)");

namespace emu {
struct Fiber {
    void* sp = nullptr;
    std::vector<char> stack;
    dim3 idx;
    int waiting = 0;  // 0 runnable, 1 block barrier, 2 warp barrier
    bool done = false;
};
inline void* scheduler_sp = nullptr;
inline std::vector<Fiber> fibers;
inline Fiber* current = nullptr;
inline dim3 block_idx;
inline std::function<void()> body;
inline unsigned long long slots[32 * 32];  // shuffle slots, 32 per warp, up to 1024 threads

inline void wait(int kind) {
    current->waiting = kind;
    emu_switch(&current->sp, scheduler_sp);
}

[[noreturn]] inline void trampoline() {
    body();
    current->done = true;
    emu_switch(&current->sp, scheduler_sp);
    std::abort();  // a finished fiber is never resumed
}

/** Prepares a fiber to start in trampoline() on its own stack. */
inline void start(Fiber& f) {
    uintptr_t top = (reinterpret_cast<uintptr_t>(f.stack.data()) + f.stack.size()) & ~uintptr_t(15);
    void** sp = reinterpret_cast<void**>(top - 16);
    *sp = reinterpret_cast<void*>(&trampoline);  // "return address" of the first switch
    sp -= 6;                                     // six callee-saved registers, popped as zeros
    for (int i = 0; i < 6; i++) sp[i] = nullptr;
    f.sp = sp;
}
}  // namespace emu

#define threadIdx (emu::current->idx)
#define blockIdx (emu::block_idx)
inline dim3 blockDim;
inline dim3 gridDim;

inline void __syncthreads() { emu::wait(1); }

namespace emu {
template <class T> T exchange(T v, int src) {
    unsigned int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    std::memcpy(&slots[warp * 32 + lane], &v, sizeof(T));
    wait(2);
    T r;
    std::memcpy(&r, &slots[warp * 32 + src], sizeof(T));
    wait(2);
    return r;
}
}  // namespace emu

template <class T> T __shfl_xor_sync(unsigned, T v, int o) { return emu::exchange(v, (int)(threadIdx.x % 32) ^ o); }
template <class T> T __shfl_up_sync(unsigned, T v, int d) {
    int lane = threadIdx.x % 32;
    return emu::exchange(v, lane - d >= 0 ? lane - d : lane);
}

template <class T> inline T min(T a, T b) { return b < a ? b : a; }
template <class T> inline T max(T a, T b) { return a < b ? b : a; }

inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline double atomicAdd(double* p, double v) { return std::atomic_ref<double>(*p).fetch_add(v); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long cmp, unsigned long long val) {
    std::atomic_ref<unsigned long long>(*p).compare_exchange_strong(cmp, val);
    return cmp;
}
inline unsigned int atomicCAS(unsigned int* p, unsigned int cmp, unsigned int val) {
    std::atomic_ref<unsigned int>(*p).compare_exchange_strong(cmp, val);
    return cmp;
}
inline unsigned long long atomicOr(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_or(v);
}
inline unsigned long long atomicAnd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_and(v);
}

inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline long long __double_as_longlong(double d) { long long l; std::memcpy(&l, &d, 8); return l; }
inline double __longlong_as_double(long long l) { double d; std::memcpy(&d, &l, 8); return d; }
inline int __ffsll(long long v) { return __builtin_ffsll(v); }
// x86-64 without -mfma never contracts, so plain operations round one at a time
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline double __dsub_rn(double a, double b) { return a - b; }

// Warp-collective TF32 mma.m16n8k8 (row.col) using the PTX fragment layout, g = lane/4, t = lane%4:
// A a0 (g,t) a1 (g+8,t) a2 (g,t+4) a3 (g+8,t+4); B b0 (k=t,n=g) b1 (k=t+4,n=g);
// C c0 (g,2t) c1 (g,2t+1) c2 (g+8,2t) c3 (g+8,2t+1).
inline void emu_mma_tf32(float* d, const unsigned int* a, const unsigned int* b) {
    float A[16][8], B[8][8];
    for (int src = 0; src < 32; src++) {
        int g = src / 4, t = src % 4;
        unsigned int a0 = emu::exchange(a[0], src), a1 = emu::exchange(a[1], src);
        unsigned int a2 = emu::exchange(a[2], src), a3 = emu::exchange(a[3], src);
        unsigned int b0 = emu::exchange(b[0], src), b1 = emu::exchange(b[1], src);
        A[g][t] = __int_as_float((int)a0);
        A[g + 8][t] = __int_as_float((int)a1);
        A[g][t + 4] = __int_as_float((int)a2);
        A[g + 8][t + 4] = __int_as_float((int)a3);
        B[t][g] = __int_as_float((int)b0);
        B[t + 4][g] = __int_as_float((int)b1);
    }
    int lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
    int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
    for (int r = 0; r < 4; r++) {
        float s = d[r];
        for (int k = 0; k < 8; k++) s += A[rows[r]][k] * B[k][cols[r]];
        d[r] = s;
    }
}

// cvt.rna.tf32.f32: keep 10 mantissa bits, round to nearest with ties away from zero.
inline unsigned int emu_to_tf32(float f) {
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7f800000u) == 0x7f800000u) return u;
    return (u + 0x1000u) & 0xffffe000u;
}

namespace emu {
// Runs the fibers of one block until all are done, opening barriers as they fill.
inline void run_block(unsigned int threads) {
    for (;;) {
        bool progress = false;
        bool all_done = true;
        for (unsigned int t = 0; t < threads; t++) {
            Fiber& f = fibers[t];
            if (f.done) continue;
            all_done = false;
            if (f.waiting) continue;
            current = &f;
            emu_switch(&scheduler_sp, f.sp);
            progress = true;
        }
        if (all_done) return;
        // open the block barrier when every live fiber waits at it
        bool block_full = true;
        for (unsigned int t = 0; t < threads; t++) {
            if (!fibers[t].done && fibers[t].waiting != 1) block_full = false;
        }
        if (block_full) {
            for (unsigned int t = 0; t < threads; t++) fibers[t].waiting = 0;
            continue;
        }
        // open each warp barrier whose live fibers all wait at it
        bool opened = false;
        for (unsigned int w = 0; w * 32 < threads; w++) {
            bool full = true, any = false;
            for (unsigned int t = w * 32; t < std::min(threads, w * 32 + 32); t++) {
                if (fibers[t].done) continue;
                any = true;
                if (fibers[t].waiting != 2) full = false;
            }
            if (full && any) {
                for (unsigned int t = w * 32; t < std::min(threads, w * 32 + 32); t++) fibers[t].waiting = 0;
                opened = true;
            }
        }
        if (!progress && !opened) {
            std::fprintf(stderr, "emulator deadlock: threads wait at barriers that cannot open\n");
            std::abort();
        }
    }
}

// Runs kernel(args...) on a grid of 1-D blocks, one block at a time.
template <class K, class... A> void launch(K kernel, dim3 grid, unsigned int threads, A... args) {
    gridDim = grid;
    blockDim = dim3{threads, 1, 1};
    if (fibers.size() < threads) fibers.resize(threads);
    body = [&]() { kernel(args...); };
    for (unsigned int bz = 0; bz < grid.z; bz++)
        for (unsigned int by = 0; by < grid.y; by++)
            for (unsigned int bx = 0; bx < grid.x; bx++) {
                block_idx = dim3{bx, by, bz};
                for (unsigned int t = 0; t < threads; t++) {
                    Fiber& f = fibers[t];
                    if (f.stack.empty()) f.stack.resize(256 * 1024);
                    f.idx = dim3{t, 0, 0};
                    f.waiting = 0;
                    f.done = false;
                    start(f);
                }
                run_block(threads);
            }
}

inline int failures = 0;
inline void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what);
        failures++;
    }
}
}  // namespace emu
