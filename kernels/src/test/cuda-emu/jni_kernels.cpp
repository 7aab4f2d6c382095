// All kernels plus the emulator as a JNI library, so that the Java backend (launchers, allocator,
// descriptors) can run end to end on the CPU: org.cassl.kernels.emu.EmuNative. Kernels are found
// with dlsym (they are extern "C") and called through libffi with the parameter types of their
// PTX declarations; "device" memory is ordinary malloc'd memory, so addresses need no translation.
#include <dlfcn.h>
#include <ffi.h>
#include <jni.h>

#include "elementwise.cu"
#include "fcos_assign.cu"
#include "gemm.cu"
#include "gemm_tf32_sm80.cu"
#include "im2col.cu"
#include "indexing.cu"
#include "interpolate.cu"
#include "nms.cu"
#include "norm.cu"
#include "pool.cu"
#include "reduce.cu"
#include "roi_align.cu"
#include "scan.cu"
#include "sort.cu"

namespace {
// type codes of EmuNative.launch: 0 u64, 1 32-bit int, 2 f64, 3 f32, 4 u8, >= 100: struct of (code - 100) bytes
struct StructType {
    ffi_type type;
    std::vector<ffi_type*> elements;
};

ffi_type* struct_of(int bytes, std::vector<std::unique_ptr<StructType>>& keep) {
    auto st = std::make_unique<StructType>();
    bool wide = bytes % 8 == 0;
    int n = bytes / (wide ? 8 : 4);
    for (int i = 0; i < n; i++) st->elements.push_back(wide ? &ffi_type_uint64 : &ffi_type_uint32);
    st->elements.push_back(nullptr);
    st->type.size = 0;
    st->type.alignment = 0;
    st->type.type = FFI_TYPE_STRUCT;
    st->type.elements = st->elements.data();
    ffi_type* t = &st->type;
    keep.push_back(std::move(st));
    return t;
}

void throw_java(JNIEnv* env, const char* msg) {
    jclass c = env->FindClass("java/lang/IllegalStateException");
    env->ThrowNew(c, msg);
}
}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_cassl_kernels_emu_EmuNative_malloc(JNIEnv*, jclass, jlong bytes) {
    void* p = std::aligned_alloc(512, (size_t)((bytes + 511) / 512 * 512));
    return (jlong)(uintptr_t)p;
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_free(JNIEnv*, jclass, jlong p) {
    std::free((void*)(uintptr_t)p);
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_memset(JNIEnv*, jclass, jlong p, jint v, jlong n) {
    std::memset((void*)(uintptr_t)p, v, (size_t)n);
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_memset32(JNIEnv*, jclass, jlong p, jint v, jlong n) {
    uint32_t* q = (uint32_t*)(uintptr_t)p;
    for (jlong i = 0; i < n; i++) q[i] = (uint32_t)v;
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_memcpy(JNIEnv*, jclass, jlong dst, jlong src, jlong n) {
    std::memmove((void*)(uintptr_t)dst, (const void*)(uintptr_t)src, (size_t)n);
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_put(JNIEnv* env, jclass, jlong dst, jbyteArray data) {
    env->GetByteArrayRegion(data, 0, env->GetArrayLength(data), (jbyte*)(uintptr_t)dst);
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_get(JNIEnv* env, jclass, jlong src, jbyteArray out) {
    env->SetByteArrayRegion(out, 0, env->GetArrayLength(out), (const jbyte*)(uintptr_t)src);
}

JNIEXPORT void JNICALL Java_org_cassl_kernels_emu_EmuNative_launch(JNIEnv* env, jclass, jstring name, jint gx, jint gy,
                                                                      jint gz, jint block, jobjectArray params,
                                                                      jintArray types) {
    const char* n = env->GetStringUTFChars(name, nullptr);
    // System.load does not make the library's symbols global: look them up in this library itself
    static void* self = [] {
        Dl_info info;
        dladdr((void*)&Java_org_cassl_kernels_emu_EmuNative_launch, &info);
        return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    }();
    void* fn = self != nullptr ? dlsym(self, n) : nullptr;
    std::string kname(n);
    env->ReleaseStringUTFChars(name, n);
    if (fn == nullptr) {
        throw_java(env, ("no emulated kernel " + kname).c_str());
        return;
    }
    int count = env->GetArrayLength(params);
    std::vector<jint> codes(count);
    env->GetIntArrayRegion(types, 0, count, codes.data());
    std::vector<std::vector<unsigned char>> values(count);
    std::vector<ffi_type*> argTypes(count);
    std::vector<std::unique_ptr<StructType>> keep;
    for (int i = 0; i < count; i++) {
        jbyteArray p = (jbyteArray)env->GetObjectArrayElement(params, i);
        int len = env->GetArrayLength(p);
        values[i].resize(std::max(len, 8));
        env->GetByteArrayRegion(p, 0, len, (jbyte*)values[i].data());
        switch (codes[i]) {
            case 0: argTypes[i] = &ffi_type_uint64; break;
            case 1: argTypes[i] = &ffi_type_sint32; break;
            case 2: argTypes[i] = &ffi_type_double; break;
            case 3: argTypes[i] = &ffi_type_float; break;
            case 4: argTypes[i] = &ffi_type_uint8; break;
            default: argTypes[i] = struct_of(codes[i] - 100, keep); break;
        }
    }
    ffi_cif cif;
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, count, &ffi_type_void, argTypes.data()) != FFI_OK) {
        throw_java(env, ("ffi_prep_cif failed for " + kname).c_str());
        return;
    }
    std::vector<void*> argv(count);
    for (int i = 0; i < count; i++) argv[i] = values[i].data();
    auto call = [&]() { ffi_call(&cif, FFI_FN(fn), nullptr, argv.data()); };
    emu::launch(call, dim3{(unsigned)gx, (unsigned)gy, (unsigned)gz}, (unsigned)block);
}
}
