// End-to-end test of `soma bench`: the --quick sizes run every workload in a moment, and
// the JSON object carries every key the speed issue asks for; bad options exit with 2.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "run_command.hpp"

namespace soma::testing {
namespace {

// The number after "key": in a JSON text, searched from `from` (NaN when absent or null).
double json_number(const std::string& json, const std::string& key, size_t from = 0) {
  const std::string pattern = "\"" + key + "\": ";
  const size_t at = json.find(pattern, from);
  if (at == std::string::npos) return NAN;
  return std::strtod(json.c_str() + at + pattern.size(), nullptr);
}

// Where the object of `workload` begins in the JSON text.
size_t object_of(const std::string& json, const std::string& workload) {
  return json.find("\"" + workload + "\": {");
}

TEST(BenchCommand, QuickJsonHasEveryWorkloadAndTheMachine) {
  const CommandResult r = run_soma("bench --quick --json --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* workload : {"W1", "W2", "W3", "W4"}) {
    EXPECT_NE(object_of(r.out, workload), std::string::npos) << workload << " in " << r.out;
  }
  EXPECT_GT(json_number(r.out, "samples_per_second", object_of(r.out, "W1")), 0.0);
  const double accuracy = json_number(r.out, "train_accuracy", object_of(r.out, "W1"));
  EXPECT_GE(accuracy, 0.0);
  EXPECT_LE(accuracy, 1.0);
  EXPECT_GT(json_number(r.out, "samples_per_second", object_of(r.out, "W2")), 0.0);
  // W2 and W3 each carry their own bare products: W2's key lies before W3's object.
  for (const char* workload : {"W2", "W3"}) {
    const size_t at = r.out.find("\"fraction_of_bare_gemm\": ", object_of(r.out, workload));
    ASSERT_NE(at, std::string::npos) << workload << " in " << r.out;
    if (std::string(workload) == "W2") {
      EXPECT_LT(at, object_of(r.out, "W3")) << r.out;
    }
    EXPECT_GT(json_number(r.out, "fraction_of_bare_gemm", object_of(r.out, workload)), 0.0);
    EXPECT_GT(json_number(r.out, "bare_gemm_samples_per_second", object_of(r.out, workload)), 0.0);
  }
  EXPECT_GT(json_number(r.out, "samples_per_second", object_of(r.out, "W3")), 0.0);
  EXPECT_GT(json_number(r.out, "gflops", object_of(r.out, "W3")), 0.0);
  EXPECT_GT(json_number(r.out, "batch1_us", object_of(r.out, "W4")), 0.0);
  EXPECT_GT(json_number(r.out, "batch128_us", object_of(r.out, "W4")), 0.0);
  EXPECT_EQ(json_number(r.out, "threads"), 1.0);
  for (const char* key : {"\"blas\": \"", "\"machine\": \"", "\"cpu\": \"", "\"build_type\": \""}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " in " << r.out;
  }
}

TEST(BenchCommand, RunsOnlyTheChosenWorkloads) {
  const CommandResult r = run_soma("bench --quick --json --workload w1,W4 --reps 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(object_of(r.out, "W1"), std::string::npos) << r.out;
  EXPECT_NE(object_of(r.out, "W4"), std::string::npos) << r.out;
  EXPECT_EQ(object_of(r.out, "W2"), std::string::npos) << r.out;
  EXPECT_EQ(object_of(r.out, "W3"), std::string::npos) << r.out;
}

TEST(BenchCommand, BadOptionsAreUsageErrors) {
  const CommandResult unknown = run_soma("bench --quick --workload W5");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown workload 'W5'"), std::string::npos) << unknown.err;
  const CommandResult threads = run_soma("bench --quick --threads 0");
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads"), std::string::npos) << threads.err;
}

// The string after "key": in a JSON text ("" when absent).
std::string json_string(const std::string& json, const std::string& key) {
  const std::string pattern = "\"" + key + "\": \"";
  const size_t at = json.find(pattern);
  if (at == std::string::npos) return "";
  const size_t begin = at + pattern.size();
  return json.substr(begin, json.find('"', begin) - begin);
}

// OPENBLAS_CORETYPE=Prescott forces OpenBLAS's slowest x86-64 kernels when it loads; soma
// moves it to the best ones before it multiplies, unless told to keep them.
TEST(BenchCommand, MovesOpenBlasOffTheCoreTheEnvironmentForces) {
  const CommandResult moved =
      run_soma("bench --quick --json --workload W4 --reps 1", "OPENBLAS_CORETYPE=Prescott");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  const std::string best = json_string(moved.out, "blas_core_best");
  if (best.empty()) GTEST_SKIP() << "no AVX2 or AVX-512 on this CPU";
  if (moved.out.find("one core only") != std::string::npos) {
    GTEST_SKIP() << "this OpenBLAS is not built with DYNAMIC_ARCH";
  }
  EXPECT_NE(moved.out.find("loaded Prescott kernels; soma moved it to " + best), std::string::npos)
      << moved.out;
  EXPECT_NE(moved.out.find("\"openblas_coretype\": \"Prescott\""), std::string::npos)
      << "the caller's variable is put back: " << moved.out;

  // SOMA_GEMM=auto: the description names OpenBLAS's kernels even if the tests run with
  // SOMA_GEMM=onednn.
  const CommandResult kept =
      run_soma("bench --quick --json --workload W4 --reps 1",
               "OPENBLAS_CORETYPE=Prescott SOMA_BLAS_CORETYPE=keep SOMA_GEMM=auto");
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_NE(kept.out.find("(Prescott kernels)"), std::string::npos) << kept.out;
}

// SOMA_GEMM picks one library for every product; an unknown value is an error naming it.
TEST(BenchCommand, SomaGemmChoosesTheLibrary) {
  const CommandResult by_size =
      run_soma("bench --quick --json --workload W4 --reps 1", "SOMA_GEMM=auto");
  ASSERT_EQ(by_size.exit_code, 0) << by_size.err;
  EXPECT_NE(json_string(by_size.out, "blas").find(" below 1048576 multiply-adds, oneDNN "),
            std::string::npos)
      << by_size.out;
  for (const std::string library : {"openblas", "onednn"}) {
    const CommandResult one =
        run_soma("bench --quick --json --workload W4 --reps 1", "SOMA_GEMM=" + library);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_NE(json_string(one.out, "blas").find("for every product (SOMA_GEMM=" + library + ")"),
              std::string::npos)
        << one.out;
  }
  const CommandResult unknown =
      run_soma("bench --quick --json --workload W4 --reps 1", "SOMA_GEMM=mkl");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find(
                "SOMA_GEMM: unknown value 'mkl' (expected auto, openblas, onednn or portable)"),
            std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace soma::testing
