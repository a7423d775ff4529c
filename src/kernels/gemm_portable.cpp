// soma's portable GEMM: plain C++ that the compiler vectorises, no library, no intrinsics.
// Blocked as Goto's GEMM: panels of op(B) are copied into tiles, and a micro-kernel multiplies
// a few rows of op(A), read in place, by a tile into a block of C held in a local array. On
// x86-64 it is compiled for AVX-512, AVX2 with FMA and the baseline, chosen once at run time.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "gemm_backends.hpp"

namespace soma::kernels {

namespace {

// A matrix by its strides: element (i, j) is data[i * row_stride + j * column_stride]. A
// transpose swaps the strides, so the same code reads A, A^T, B and B^T.
template <class Value>
struct View {
  Value* data = nullptr;
  int64_t row_stride = 0;
  int64_t column_stride = 0;
  View transposed() const { return {data, column_stride, row_stride}; }
  // The same strides from element (i, j) on.
  View from(int64_t i, int64_t j) const {
    return {data + i * row_stride + j * column_stride, row_stride, column_stride};
  }
};

// C (rows x columns) = alpha left right + beta C, left (rows x depth), right (depth x columns).
struct Product {
  View<const float> left, right;
  View<float> c;
  int64_t rows = 0, columns = 0, depth = 0;
  float alpha = 1.0f, beta = 0.0f;
};

// A tile of B (panel depth x width, 24-32 KiB) stays in level 1 while the rows of A pass it,
// a panel of rows (within level 2) at a time.
constexpr int64_t most_depth_per_panel = 256;
constexpr int64_t rows_per_panel = 96;

int64_t padded(int64_t extent, int64_t tile) {
  return (extent + tile - 1) / tile * tile;
}

// The first rows x columns of `view` into tiles of Height rows: each tile its columns in
// order, Height values each (zeros past the last row). A contiguous column of a full tile is
// one copy of constant size, inlined as vector moves.
template <int Height>
[[gnu::always_inline]] inline void pack(View<const float> view, int64_t rows, int64_t columns,
                                        float* __restrict out) {
  for (int64_t tile = 0; tile < rows; tile += Height) {
    const int64_t count = std::min<int64_t>(Height, rows - tile);
    for (int64_t j = 0; j < columns; ++j, out += Height) {
      const float* from = view.from(tile, j).data;
      if (view.row_stride == 1 && count == Height) {
        std::memcpy(out, from, Height * sizeof(float));
      } else {
        for (int i = 0; i < Height; ++i) out[i] = i < count ? from[i * view.row_stride] : 0.0f;
      }
    }
  }
}

// C's block at c (rows x columns, at most Height x Width) from `left`, A's rows from the
// block's first (past A's last row the tile reads that row again; those sums are not
// stored), and a packed tile of B (depth x Width). The sums live in a local array that the
// compiler keeps in vector registers; each is an in-order chain over the depth, so an
// element's value depends on neither the tile nor the split of C over threads.
template <int Height, int Width>
[[gnu::always_inline]] inline void multiply_tile(View<const float> left,
                                                 const float* __restrict right, int64_t depth,
                                                 View<float> c, int64_t rows, int64_t columns,
                                                 float alpha, float beta) {
  const float* left_row[Height];
  for (int i = 0; i < Height; ++i) {
    left_row[i] = left.data + std::min<int64_t>(i, rows - 1) * left.row_stride;
  }
  float sum[Height][Width] = {};
  for (int64_t p = 0; p < depth; ++p, right += Width) {
    for (int i = 0; i < Height; ++i) {
      const float a = left_row[i][p * left.column_stride];
      for (int j = 0; j < Width; ++j) sum[i][j] += a * right[j];
    }
  }
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < columns; ++j) {
      float& out = c.data[i * c.row_stride + j * c.column_stride];
      out = beta == 0.0f ? alpha * sum[i][j] : alpha * sum[i][j] + beta * out;
    }
  }
}

template <int Height, int Width>
[[gnu::always_inline]] inline void multiply_panels(Product product) {
  // C^T = right^T left^T when that pads less (10 outputs: 10 rows of full tiles, not 10
  // columns of a tile Width wide), unless A's tiles would then be packed from strided values
  // where B's are copied whole.
  const bool pads_less = padded(product.rows, Height) * padded(product.columns, Width) >
                         padded(product.columns, Height) * padded(product.rows, Width);
  if (pads_less && (product.left.row_stride == 1 || product.right.column_stride != 1)) {
    const View<const float> left = product.left;
    product.left = product.right.transposed();
    product.right = left.transposed();
    product.c = product.c.transposed();
    std::swap(product.rows, product.columns);
  }
  constexpr int64_t columns_per_panel = Width * 16;
  // Equal panels of depth: 784 as 4 x 196, not 3 x 256 and 16.
  const int64_t depth_panels = (product.depth + most_depth_per_panel - 1) / most_depth_per_panel;
  const int64_t depth_per_panel = (product.depth + depth_panels - 1) / depth_panels;
  // Kept from one product to the next: a training step allocates nothing here.
  thread_local std::vector<float> packed;
  const auto size = static_cast<size_t>(
      padded(std::min(product.columns, columns_per_panel), Width) * depth_per_panel);
  if (packed.size() < size) packed.resize(size);
  const View<const float>& a = product.left;
  const View<float>& c = product.c;
  for (int64_t column = 0; column < product.columns; column += columns_per_panel) {
    const int64_t columns = std::min(columns_per_panel, product.columns - column);
    for (int64_t p = 0; p < product.depth; p += depth_per_panel) {
      const int64_t depth = std::min(depth_per_panel, product.depth - p);
      pack<Width>(product.right.transposed().from(column, p), columns, depth, packed.data());
      const float beta = p == 0 ? product.beta : 1.0f;  // later panels add to the first's
      for (int64_t first = 0; first < product.rows; first += rows_per_panel) {
        for (int64_t j = 0; j < columns; j += Width) {
          for (int64_t i = first; i < std::min(first + rows_per_panel, product.rows); i += Height) {
            multiply_tile<Height, Width>(
                a.from(i, p), packed.data() + j * depth, depth, c.from(i, column + j),
                std::min<int64_t>(Height, product.rows - i), std::min<int64_t>(Width, columns - j),
                product.alpha, beta);
          }
        }
      }
    }
  }
}

// Tiles of 4 x 24 (12 sums of 8 floats, 3 of B and 1 of A: AVX2's 16 registers) and 6 x 32
// (12 sums of 16 floats of AVX-512's 32 registers), the fastest measured on W2's products
// with GCC and Clang. Tiles at least 24 wide keep GCC's loop vectoriser on the inner loop:
// narrower ones are unrolled first and vectorised worse.
void multiply_baseline(Product product) {
  multiply_panels<4, 24>(product);
}
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void multiply_avx2(Product product) {
  multiply_panels<4, 24>(product);
}
__attribute__((target("avx512f"))) void multiply_avx512(Product product) {
  multiply_panels<6, 32>(product);
}
#endif

struct Compiled {
  void (*multiply)(Product product);
  const char* instructions;
};

const Compiled& compiled_for_this_cpu() {
  static const Compiled chosen = []() -> Compiled {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return {multiply_avx512, "AVX-512"};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      return {multiply_avx2, "AVX2"};
    }
#endif
    return {multiply_baseline, "baseline"};
  }();
  return chosen;
}

}  // namespace

void portable_gemm(const GemmArgs& args) {
  const View<const float> a{args.a, args.lda, 1};
  const View<const float> b{args.b, args.ldb, 1};
  compiled_for_this_cpu().multiply({.left = args.transpose_a ? a.transposed() : a,
                                    .right = args.transpose_b ? b.transposed() : b,
                                    .c = {args.c, args.ldc, 1},
                                    .rows = args.m,
                                    .columns = args.n,
                                    .depth = args.k,
                                    .alpha = args.alpha,
                                    .beta = args.beta});
}

const char* portable_gemm_instructions() {
  return compiled_for_this_cpu().instructions;
}

}  // namespace soma::kernels
