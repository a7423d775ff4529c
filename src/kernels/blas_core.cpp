// Moves OpenBLAS to the best kernels the CPU supports, through the two functions a
// DYNAMIC_ARCH OpenBLAS (Debian's) exports for choosing its core: quit, then init again
// with OPENBLAS_CORETYPE set for that moment. Without them (a single-target OpenBLAS) the
// library's own choice stands. A build without OpenBLAS records just that.
#include "soma/kernels/blas_core.hpp"

#if SOMA_GEMM_LIBRARIES
#include <cblas.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

// Weak: present only in DYNAMIC_ARCH builds of OpenBLAS; null otherwise.
extern "C" {
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));
// Stops OpenBLAS's worker threads (pthreads builds); it starts them again by itself if it
// is ever asked to run on more than one thread.
int blas_thread_shutdown_(void) __attribute__((weak));
}

namespace soma::kernels {

namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// The best of OpenBLAS's x86-64 float kernels the CPU can run, by instruction set rather
// than by model number, so that CPUs newer than the OpenBLAS build are still recognised.
std::string best_core_for_this_cpu() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512cd")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

// Cores at least as good as `best` for float products; anything else is replaced.
bool already_good(const std::string& core, const std::string& best) {
  const std::string name = lower(core);
  constexpr std::array<std::string_view, 3> avx512 = {"skylakex", "cooperlake", "sapphirerapids"};
  const bool is_avx512 = std::find(avx512.begin(), avx512.end(), name) != avx512.end();
  if (best == "SkylakeX") return is_avx512;
  if (best == "Haswell") return is_avx512 || name == "haswell" || name.starts_with("zen");
  return true;
}

std::optional<std::string> environment_value(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// The number of threads of this process, from /proc (0 when it cannot be read).
int thread_count_of_this_process() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

BlasCoreChoice choose() {
  // soma's own pool splits the products (kernels/thread_pool): OpenBLAS runs each part on
  // the thread that calls it. Its workers, started when it loaded, would otherwise spin
  // for a while on the cores soma's threads need.
  openblas_set_num_threads(1);
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
  BlasCoreChoice choice;
  choice.loaded = openblas_get_corename();
  choice.best = best_core_for_this_cpu();
  choice.now = choice.loaded;
  if (environment_value("SOMA_BLAS_CORETYPE") == "keep") {
    choice.reason = "SOMA_BLAS_CORETYPE=keep: OpenBLAS's own choice";
    return choice;
  }
  if (choice.best.empty() || already_good(choice.loaded, choice.best)) {
    choice.reason = "OpenBLAS's own choice is the best for this CPU";
    return choice;
  }
  if (gotoblas_dynamic_init == nullptr || gotoblas_dynamic_quit == nullptr) {
    choice.reason = "this OpenBLAS has one core only; it cannot be changed";
    return choice;
  }
  // Changing the core swaps OpenBLAS's table of kernels, and setenv is not safe while
  // another thread may read the environment: only done while the program has one thread
  // (before main, unless soma was loaded later with dlopen by a program with threads).
  if (thread_count_of_this_process() != 1) {
    choice.reason =
        "OpenBLAS loaded " + choice.loaded +
        " kernels; other threads were running, so soma left them (best: " + choice.best + ")";
    return choice;
  }
  // OpenBLAS reads OPENBLAS_CORETYPE only inside gotoblas_dynamic_init; the caller's value
  // is put back at once.
  const std::optional<std::string> previous = environment_value("OPENBLAS_CORETYPE");
  ::setenv("OPENBLAS_CORETYPE", choice.best.c_str(), 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  if (previous) {
    ::setenv("OPENBLAS_CORETYPE", previous->c_str(), 1);
  } else {
    ::unsetenv("OPENBLAS_CORETYPE");
  }
  choice.now = openblas_get_corename();
  choice.reason = "OpenBLAS loaded " + choice.loaded + " kernels; soma moved it to " + choice.now;
  return choice;
}

}  // namespace

const BlasCoreChoice& blas_core_choice() {
  static const BlasCoreChoice choice = choose();
  return choice;
}

}  // namespace soma::kernels

#else

const soma::kernels::BlasCoreChoice& soma::kernels::blas_core_choice() {
  static const BlasCoreChoice choice{
      .loaded = "", .best = "", .now = "", .reason = "this build has no OpenBLAS"};
  return choice;
}

#endif
