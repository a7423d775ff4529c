// What soma's fuzz harnesses share: the entry point libFuzzer calls, and how a harness
// reports a finding that is not a crash (two readers that disagree about the same bytes),
// so that libFuzzer and the replay test both stop on it with the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Present when a sanitizer runtime is linked (every libFuzzer build), absent otherwise:
// libFuzzer may have closed the program's stderr, and this prints to the sanitizer's log.
extern "C" void __sanitizer_report_error_summary(const char* summary) __attribute__((weak));

namespace soma::fuzz {

[[noreturn]] inline void report_finding(const std::string& what) {
  const std::string summary = "soma fuzz finding: " + what;
  std::fprintf(stderr, "%s\n", summary.c_str());
  if (__sanitizer_report_error_summary != nullptr) {
    __sanitizer_report_error_summary(summary.c_str());
  }
  std::abort();
}

}  // namespace soma::fuzz
