// Which OpenBLAS kernels run soma's matrix products. OpenBLAS picks them by CPU model when
// it loads; a model it does not know, or an OPENBLAS_CORETYPE left in the environment, can
// leave an AVX-512 machine on SSE3 or AVX2 code at a half or a sixth of its speed. soma
// checks once, before main, and moves OpenBLAS to the best kernels the CPU supports. It
// also sets OpenBLAS to one thread: soma's own pool splits the products.
#pragma once

#include <string>

namespace soma::kernels {

struct BlasCoreChoice {
  std::string loaded;  // what OpenBLAS chose when it loaded, e.g. "Prescott"
  std::string best;    // the best core this CPU supports, e.g. "SkylakeX" ("" when unknown)
  std::string now;     // what runs soma's products now
  std::string reason;  // one line on what soma did and why
};

// Done once (at static initialisation of the library, before any thread of the program
// starts); later calls return the same record. SOMA_BLAS_CORETYPE=keep in the environment
// leaves OpenBLAS's own choice alone.
const BlasCoreChoice& blas_core_choice();

}  // namespace soma::kernels
