// elementwise.cu and indexing.cu under emulation: the CPU backend's conversion and integer rules,
// strided and broadcast descriptors, index checks.
#include "elementwise.cu"
#include "indexing.cu"
#include "emu_util.h"

static void test_casts() {
    double src[] = {NAN, -1.5, 300.7, 1e30, -1e30, 0.0, 255.9};
    int n = 7;
    TDesc d = contiguous({n});
    std::vector<long long> l(n);
    std::vector<unsigned char> u(n), b(n);
    emu::launch(copy_cast, gridFor(n), 256, (const void*)src, DT_F64, d, (void*)l.data(), DT_I64, d, n);
    emu::launch(copy_cast, gridFor(n), 256, (const void*)src, DT_F64, d, (void*)u.data(), DT_U8, d, n);
    emu::launch(copy_cast, gridFor(n), 256, (const void*)src, DT_F64, d, (void*)b.data(), DT_BOOL, d, n);
    CHECK(l[0] == LLONG_MIN && l[1] == -1 && l[2] == 300 && l[3] == LLONG_MAX && l[4] == LLONG_MIN, "double -> int64 (Java casts)");
    CHECK(u[1] == 255 && u[2] == (unsigned char)300 && u[6] == 255, "double -> uint8 wraps after truncation");
    CHECK(b[0] == 1 && b[1] == 1 && b[5] == 0, "double -> bool is != 0 (NaN is true)");
}

static void test_integer_binary() {
    long long a[] = {7, -7, 7, -7, LLONG_MIN, 5, 3, 2};
    long long bb[] = {2, 2, -2, -2, -1, 0, 4, -3};
    int n = 8;
    TDesc d = contiguous({n});
    long long err[4] = {0, 0, 0, 0};
    std::vector<long long> fd(n), rm(n);
    emu::launch(binary_i64, gridFor(n), 256, (int)B_FLOOR_DIV, (const long long*)a, d, (const long long*)bb, d, fd.data(), d, n,
                err);
    CHECK(err[0] == ERR_INT_DIV_ZERO && err[1] == 5, "integer division by zero is reported");
    err[0] = 0;
    emu::launch(binary_i64, gridFor(n), 256, (int)B_REMAINDER, (const long long*)a, d, (const long long*)bb, d, rm.data(), d, n,
                err);
    CHECK(fd[0] == 3 && fd[1] == -4 && fd[2] == -4 && fd[3] == 3 && fd[4] == LLONG_MIN, "floor division (Math.floorDiv)");
    CHECK(rm[0] == 1 && rm[1] == 1 && rm[2] == -1 && rm[3] == -1 && rm[4] == 0, "remainder (Math.floorMod)");
    std::vector<long long> pw(n);
    err[0] = 0;
    emu::launch(binary_i64, gridFor(n), 256, (int)B_POW, (const long long*)a, d, (const long long*)bb, d, pw.data(), d, n, err);
    CHECK(pw[0] == 49 && pw[6] == 81 && err[0] == ERR_INT_NEG_POW, "integer pow, negative exponent reported");
}

static void test_broadcast_binary_and_where() {
    // a [4,1,3] broadcast to [4,5,3]; b transposed [3,5]^T broadcast along dim 0; out [4,5,3]
    std::vector<float> a(12), b(15), out(60);
    for (float& v : a) v = (float)urand(-2, 2);
    for (float& v : b) v = (float)urand(-2, 2);
    TDesc ad = make_desc(0, {4, 5, 3}, {3, 0, 1});
    TDesc bd = make_desc(0, {4, 5, 3}, {0, 1, 5});
    TDesc od = contiguous({4, 5, 3});
    emu::launch(binary_f32, gridFor(60), 256, (int)B_SUB, (const float*)a.data(), ad, (const float*)b.data(), bd, out.data(), od,
                60);
    bool ok = true;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 3; k++) ok &= out[(i * 5 + j) * 3 + k] == a[i * 3 + k] - b[k * 5 + j];
    CHECK(ok, "broadcast subtraction with a transposed operand");
    std::vector<unsigned char> cond(60), cmp(60);
    for (auto& v : cond) v = irand(0, 2);
    std::vector<float> w(60);
    emu::launch(where_b4, gridFor(60), 256, (const unsigned char*)cond.data(), od, (const unsigned int*)a.data(), ad,
                (const unsigned int*)b.data(), bd, (unsigned int*)w.data(), od, 60);
    ok = true;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 3; k++) {
                int o = (i * 5 + j) * 3 + k;
                ok &= w[o] == (cond[o] ? a[i * 3 + k] : b[k * 5 + j]);
            }
    CHECK(ok, "where with broadcast operands");
    emu::launch(compare_any, gridFor(60), 256, (int)B_GT, (const void*)a.data(), ad, (const void*)b.data(), bd, DT_F32,
                cmp.data(), od, 60);
    ok = true;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 3; k++) ok &= cmp[(i * 5 + j) * 3 + k] == (a[i * 3 + k] > b[k * 5 + j]);
    CHECK(ok, "comparison to bool");
    // strided fill of every other column
    std::vector<double> f(28, 1.0);
    double seven = 7.0;
    unsigned long long bits;
    std::memcpy(&bits, &seven, 8);
    emu::launch(fill_b8, gridFor(10), 256, (unsigned long long*)f.data(), make_desc(1, {4, 3}, {7, 2}), 12, bits);
    ok = true;
    for (int i = 0; i < 28; i++) {
        int c = i % 7;
        bool inside = c == 1 || c == 3 || c == 5;
        ok &= f[i] == (inside ? 7.0 : 1.0);
    }
    CHECK(ok, "strided fill");
}

static void test_indexing() {
    // x [4,5,6], gather along dim 1 with index [3,7,2]
    std::vector<float> x(120);
    for (int i = 0; i < 120; i++) x[i] = (float)i;
    std::vector<long long> idx(42);
    for (auto& v : idx) v = irand(0, 5);
    std::vector<float> out(42);
    long long err[4] = {0, 0, 0, 0};
    TDesc iv = contiguous({3, 7, 2});
    TDesc xv = make_desc(0, {3, 7, 2}, {30, 0, 1});
    emu::launch(gather_b4, gridFor(42), 256, (const unsigned int*)x.data(), xv, 6, 5, (const long long*)idx.data(), iv,
                (unsigned int*)out.data(), iv, 42, err);
    bool ok = err[0] == 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 7; j++)
            for (int k = 0; k < 2; k++) ok &= out[(i * 7 + j) * 2 + k] == x[i * 30 + idx[(i * 7 + j) * 2 + k] * 6 + k];
    CHECK(ok, "gather along dim 1");
    // scatter_add back into zeros [4,5,6] (double)
    std::vector<double> acc(120, 0.0), src(42);
    for (auto& v : src) v = urand(-1, 1);
    TDesc ov = make_desc(0, {3, 7, 2}, {30, 0, 1});
    emu::launch(scatter_add_f64, gridFor(42), 256, acc.data(), ov, 6, 5, (const long long*)idx.data(), iv,
                (const double*)src.data(), iv, 42, err);
    std::vector<double> ref(120, 0.0);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 7; j++)
            for (int k = 0; k < 2; k++) ref[i * 30 + idx[(i * 7 + j) * 2 + k] * 6 + k] += src[(i * 7 + j) * 2 + k];
    ok = true;
    for (int i = 0; i < 120; i++) ok &= near(acc[i], ref[i], 1e-12, 1e-12);
    CHECK(ok, "scatter_add along dim 1 with repeated indices");
    // index_select dim 2 of x [4,5,6] with a strided index vector, then index_add back
    long long sel[] = {5, 9, 0, 9, 2, 9};  // every other entry used: 5, 0, 2
    std::vector<float> so(4 * 5 * 3);
    TDesc xsel = make_desc(0, {4, 5, 3}, {30, 6, 0});
    TDesc osel = contiguous({4, 5, 3});
    emu::launch(index_select_b4, gridFor(60), 256, (const unsigned int*)x.data(), xsel, 1, 6, (const long long*)sel, 2, 1, 3,
                (unsigned int*)so.data(), osel, 60, err);
    ok = err[0] == 0;
    int picks[] = {5, 0, 2};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 3; k++) ok &= so[(i * 5 + j) * 3 + k] == x[i * 30 + j * 6 + picks[k]];
    CHECK(ok, "index_select with a strided index");
    long long bad[] = {1, 6};
    emu::launch(index_select_b4, gridFor(40), 256, (const unsigned int*)x.data(), make_desc(0, {4, 5, 2}, {30, 6, 0}), 1, 6,
                (const long long*)bad, 1, 1, 2, (unsigned int*)so.data(), contiguous({4, 5, 2}), 40, err);
    CHECK(err[0] == ERR_INDEX_RANGE && err[1] == 6 && err[2] == 6, "index 6 of a dimension of size 6 is reported");
    err[0] = 0;
    std::vector<float> ia(120, 0.0f), isrc(60, 1.0f);
    emu::launch(index_add_f32, gridFor(60), 256, ia.data(), make_desc(0, {4, 5, 3}, {30, 6, 0}), 1, 6,
                (const long long*)sel, 2, 1, 3, (const float*)isrc.data(), contiguous({4, 5, 3}), 60, err);
    ok = true;
    for (int i = 0; i < 120; i++) {
        int k = i % 6;
        ok &= ia[i] == ((k == 5 || k == 0 || k == 2) ? 1.0f : 0.0f);
    }
    CHECK(ok, "index_add along dim 2");
}

static void test_nonzero() {
    std::vector<float> x(24, 0.0f);
    x[1] = 2;
    x[7] = NAN;
    x[23] = -1;
    TDesc d = contiguous({2, 3, 4});
    std::vector<int> flags(24), pos(24);
    emu::launch(nonzero_flags, gridFor(24), 256, (const void*)x.data(), DT_F32, d, 24, flags.data());
    int run = 0;
    for (int i = 0; i < 24; i++) {
        pos[i] = run;
        run += flags[i];
    }
    std::vector<long long> out(run * 3, -1);
    emu::launch(nonzero_write, gridFor(24), 256, (const int*)flags.data(), (const int*)pos.data(), d, 24, out.data());
    std::vector<long long> ref = {0, 0, 1, 0, 1, 3, 1, 2, 3};
    CHECK(run == 3 && out == ref, "nonzero coordinates in row-major order (NaN counts)");
}

int main() {
    test_casts();
    test_integer_binary();
    test_broadcast_binary_and_where();
    test_indexing();
    test_nonzero();
    return finish("elementwise+indexing");
}
