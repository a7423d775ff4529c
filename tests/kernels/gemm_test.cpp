// Tests soma::kernels::gemm, C = alpha op(A) op(B) + beta C (or + a bias row) on row-major
// buffers, against a naive triple loop in double: all four transpose combinations, padded
// rows, a bias on one thread and split over threads, as SOMA_GEMM chooses and on the
// portable backend (and its kernel alone); and the backends as built and described.
// gemm_exact_test.cpp has the exact results.
#include "soma/kernels/gemm.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/gemm_backends.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/threads.hpp"
#include "support/error_message.hpp"
#include "support/random_values.hpp"

namespace {

using soma::kernels::GemmArgs;
using soma::kernels::GemmBackend;
using soma::testing::random_values;

// The ways a product is run here: gemm with the backend SOMA_GEMM chooses, gemm on the
// portable backend (split over threads like the others), and the portable backend's kernel
// alone (one thread; one-row products too, which gemm gives to its row kernel on x86-64),
// which takes no bias.
struct Multiplier {
  const char* name;
  void (*multiply)(const GemmArgs&);
  bool takes_bias;
};
constexpr Multiplier multipliers[] = {
    {"gemm", [](const GemmArgs& args) { soma::kernels::gemm(args); }, true},
    {"gemm on the portable backend",
     [](const GemmArgs& args) { soma::kernels::gemm(args, GemmBackend::portable); }, true},
    {"the portable kernel", soma::kernels::portable_gemm, false},
};

// A stored as (rows x lda) with the matrix in the first `cols` columns of each row.
struct Stored {
  std::vector<float> values;
  int64_t ld = 0;
};

Stored stored_matrix(int64_t rows, int64_t cols, int64_t padding, uint64_t seed) {
  const int64_t ld = cols + padding;
  return {random_values(static_cast<size_t>(rows * ld), seed), ld};
}

// op(A)[i][p] of a stored matrix: A[i][p], or A[p][i] when transposed.
float op_at(const Stored& m, bool transposed, int64_t i, int64_t p) {
  return transposed ? m.values[static_cast<size_t>(p * m.ld + i)]
                    : m.values[static_cast<size_t>(i * m.ld + p)];
}

// The expected C, by the definition, in double.
std::vector<double> naive_gemm(const GemmArgs& args, const Stored& a, const Stored& b,
                               const std::vector<float>& c) {
  // With a bias, C's old contents are not read.
  std::vector<double> expected(c.begin(), c.end());
  for (int64_t i = 0; i < args.m; ++i) {
    for (int64_t j = 0; j < args.n; ++j) {
      double total = 0.0;
      for (int64_t p = 0; p < args.k; ++p) {
        total += static_cast<double>(op_at(a, args.transpose_a, i, p)) *
                 op_at(b, args.transpose_b, p, j);
      }
      double& out = expected[static_cast<size_t>(i * args.ldc + j)];
      out = args.bias != nullptr ? args.alpha * total + args.bias[j]
                                 : args.alpha * total + args.beta * out;
    }
  }
  return expected;
}

struct GemmCase {
  bool transpose_a;
  bool transpose_b;
  int64_t m;
  int64_t n;
  int64_t k;
  float alpha;
  float beta;
  int64_t padding;         // extra floats at the end of every stored row of A, B and C
  bool with_bias = false;  // C = alpha op(A) op(B) + a bias row (beta 0)
};

std::string case_name(const ::testing::TestParamInfo<GemmCase>& info) {
  const GemmCase& c = info.param;
  return std::string(c.transpose_a ? "At" : "A") + (c.transpose_b ? "Bt" : "B") + "_" +
         std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k) +
         (c.alpha != 1.0f || c.beta != 0.0f ? "_scaled" : "") + (c.padding > 0 ? "_padded" : "") +
         (c.with_bias ? "_bias" : "");
}

class GemmAgainstNaiveLoopTest : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmAgainstNaiveLoopTest, MatchesTheNaiveTripleLoop) {
  const GemmCase& c = GetParam();
  // As stored, A is (m x k), or (k x m) when transposed; likewise B is (k x n) or (n x k).
  const Stored a =
      c.transpose_a ? stored_matrix(c.k, c.m, c.padding, 1) : stored_matrix(c.m, c.k, c.padding, 1);
  const Stored b =
      c.transpose_b ? stored_matrix(c.n, c.k, c.padding, 2) : stored_matrix(c.k, c.n, c.padding, 2);
  const int64_t ldc = c.n + c.padding;
  const std::vector<float> start = random_values(static_cast<size_t>(c.m * ldc), 3);
  std::vector<float> result = start;
  const std::vector<float> bias = random_values(static_cast<size_t>(c.n), 4);
  const GemmArgs args{.transpose_a = c.transpose_a,
                      .transpose_b = c.transpose_b,
                      .m = c.m,
                      .n = c.n,
                      .k = c.k,
                      .alpha = c.alpha,
                      .a = a.values.data(),
                      .lda = a.ld,
                      .b = b.values.data(),
                      .ldb = b.ld,
                      .beta = c.beta,
                      .c = result.data(),
                      .ldc = ldc,
                      .bias = c.with_bias ? bias.data() : nullptr};
  const std::vector<double> expected = naive_gemm(args, a, b, start);
  // On one thread and split over two (by columns, or by rows for tall, narrow C).
  const int previous = soma::kernels::thread_count();
  for (const Multiplier& run : multipliers) {
    if (c.with_bias && !run.takes_bias) continue;
    for (const int threads : {1, 2}) {
      soma::kernels::set_thread_count(threads);
      result = start;
      run.multiply(args);
      for (size_t i = 0; i < result.size(); ++i) {
        // Sums of k products of values in [-1, 1]: float32 rounding stays below 1e-6 per term.
        ASSERT_NEAR(result[i], expected[i], 1e-6 * static_cast<double>(c.k + 2))
            << run.name << ", " << threads << " threads, element " << i << " (row "
            << i / static_cast<size_t>(ldc) << ")";
      }
    }
  }
  soma::kernels::set_thread_count(previous);
}

// Every transpose combination on non-square sizes, with and without alpha/beta, with padded
// leading dimensions, and sizes large enough for the library's blocked kernels.
std::vector<GemmCase> gemm_cases() {
  std::vector<GemmCase> cases;
  for (const bool transpose_a : {false, true}) {
    for (const bool transpose_b : {false, true}) {
      cases.push_back({transpose_a, transpose_b, 3, 5, 4, 1.0f, 0.0f, 0});
      cases.push_back({transpose_a, transpose_b, 3, 5, 4, 1.5f, -0.5f, 0});
      cases.push_back({transpose_a, transpose_b, 7, 2, 9, 0.25f, 2.0f, 3});
      cases.push_back({transpose_a, transpose_b, 1, 6, 1, 1.0f, 0.0f, 0});
      cases.push_back({transpose_a, transpose_b, 67, 45, 33, -1.0f, 1.0f, 1});
      // One row: soma's own row-times-matrix kernel (for A B), every block width and a
      // masked tail (503 = 256 + 128 + 64 + 32 + 16 + 7), and split over the threads.
      cases.push_back({transpose_a, transpose_b, 1, 503, 40, 1.0f, 0.0f, 0});
      cases.push_back({transpose_a, transpose_b, 1, 300, 50, 0.5f, 1.0f, 5});
      cases.push_back({transpose_a, transpose_b, 1, 700, 120, 1.0f, 1.0f, 0});
      cases.push_back({transpose_a, transpose_b, 1, 5, 784, 1.0f, 0.0f, 0});
      // Products large enough to be split by columns, and a tall narrow one split by rows.
      cases.push_back({transpose_a, transpose_b, 130, 200, 60, 1.0f, 0.0f, 2});
      cases.push_back({transpose_a, transpose_b, 600, 20, 40, 2.0f, -1.0f, 0});
      // A bias row: on one thread, in the row kernel (every block width and a masked tail),
      // and in blocks split by columns and by rows, where each block starts from its part.
      cases.push_back({transpose_a, transpose_b, 3, 5, 4, 1.0f, 0.0f, 1, true});
      cases.push_back({transpose_a, transpose_b, 1, 503, 40, 1.5f, 0.0f, 0, true});
      cases.push_back({transpose_a, transpose_b, 1, 700, 120, 1.0f, 0.0f, 3, true});
      cases.push_back({transpose_a, transpose_b, 130, 200, 60, 1.0f, 0.0f, 2, true});
      cases.push_back({transpose_a, transpose_b, 600, 20, 40, -0.5f, 0.0f, 0, true});
      // From 2^20 multiply-adds on, oneDNN runs the product: scaled, padded, with a bias.
      cases.push_back({transpose_a, transpose_b, 150, 130, 70, 0.75f, -1.5f, 3});
      cases.push_back({transpose_a, transpose_b, 100, 120, 100, 1.0f, 0.0f, 1, true});
      cases.push_back({transpose_a, transpose_b, 2000, 24, 30, 1.0f, 1.0f, 0});
      // The portable backend's blocking: more rows than a panel of A (96), more columns than
      // one of B (384 or 512) and two panels of depth; and C narrower than a tile, whose
      // columns it takes as rows, over two panels of depth.
      cases.push_back({transpose_a, transpose_b, 100, 530, 300, -0.5f, 0.5f, 1});
      cases.push_back({transpose_a, transpose_b, 97, 10, 257, 1.0f, 0.0f, 2, true});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, GemmAgainstNaiveLoopTest, ::testing::ValuesIn(gemm_cases()),
                         case_name);

// A build with the libraries has every backend; one without them refuses them by name and
// leaves C as it was.
TEST(GemmTest, ABackendThisBuildLacksIsRefusedByName) {
  EXPECT_TRUE(soma::kernels::gemm_backend_built(GemmBackend::by_size));
  EXPECT_TRUE(soma::kernels::gemm_backend_built(GemmBackend::portable));
  const bool libraries = soma::kernels::gemm_backend_built(GemmBackend::openblas);
  EXPECT_EQ(soma::kernels::gemm_backend_built(GemmBackend::onednn), libraries);
  std::vector<float> c = {7.0f};
  const float one = 1.0f;
  for (const auto& [backend, name] :
       {std::pair{GemmBackend::openblas, "openblas"}, std::pair{GemmBackend::onednn, "onednn"}}) {
    const GemmArgs args{
        .m = 1, .n = 1, .k = 1, .a = &one, .lda = 1, .b = &one, .ldb = 1, .c = c.data(), .ldc = 1};
    if (libraries) {
      soma::kernels::gemm(args, backend);
      EXPECT_EQ(c[0], 1.0f) << name;
      c[0] = 7.0f;
    } else {
      EXPECT_SOMA_ERROR(soma::kernels::gemm(args, backend),
                        std::string("gemm: ") + name +
                            " is not in this build (it has soma's portable GEMM alone)");
      EXPECT_EQ(c[0], 7.0f) << name;
    }
  }
}

// It names both libraries, or the backend SOMA_GEMM picks when the tests run with it set.
TEST(GemmTest, DescribesTheLibraries) {
  const std::string description = soma::kernels::blas_description();
  EXPECT_TRUE(description.rfind("OpenBLAS ", 0) == 0 || description.rfind("oneDNN ", 0) == 0 ||
              description.rfind("soma's portable GEMM (", 0) == 0)
      << description;
  EXPECT_NE(description.find(" soma threads"), std::string::npos) << description;
}

// The portable backend is described with the instruction set its code was compiled for
// that runs here, and why it runs every product.
TEST(GemmTest, DescribesThePortableBackend) {
  const char* chosen = std::getenv("SOMA_GEMM");
  const bool by_environment = chosen != nullptr && std::string(chosen) == "portable";
  if (!by_environment && soma::kernels::gemm_backend_built(GemmBackend::openblas)) {
    GTEST_SKIP() << "the libraries run the products: " << soma::kernels::gemm_libraries();
  }
#if defined(__x86_64__) && defined(__GNUC__)
  const std::string instructions = __builtin_cpu_supports("avx512f") ? "AVX-512"
                                   : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                                       ? "AVX2"
                                       : "baseline";
#else
  const std::string instructions = "baseline";
#endif
  EXPECT_EQ(soma::kernels::gemm_libraries(),
            "soma's portable GEMM (" + instructions + " code) for every product (" +
                (by_environment ? "SOMA_GEMM=portable" : "no library in this build") + ")");
}

// Chosen by size, the description says where OpenBLAS takes over from oneDNN on a CPU
// without AVX-512 (oneDNN's AVX-512 kernels need F, BW, VL and DQ), and only there.
TEST(GemmTest, DescribesTheWideProductsOfCpusWithoutAvx512) {
  const std::string description = soma::kernels::gemm_libraries();
  if (description.find(" from there") == std::string::npos) {
    GTEST_SKIP() << "SOMA_GEMM picks one library: " << description;
  }
#if defined(__x86_64__) && defined(__GNUC__)
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
  const bool avx512 = false;
#endif
  const bool exception_named =
      description.find("(OpenBLAS for those 512 columns wide or more with A not transposed)") !=
      std::string::npos;
  EXPECT_EQ(exception_named, !avx512) << description;
}

}  // namespace
