// libFuzzer harness for soma's model files: the input is a file's bytes, loaded as `soma
// predict MODEL` loads it (read, checksum, layout, architecture, weights, metadata) and then
// asked for a prediction of two rows, whose outputs soma predict must be able to name. An
// input whose checksum does not match is loaded again with it corrected, so that the fuzzer
// also reaches everything behind the checksum.
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <span>
#include <string>

#include "harness.hpp"
#include "soma/core/error.hpp"
#include "soma/io/checksum.hpp"
#include "soma/io/trained_model.hpp"

namespace {

// The bytes reach the loader as a file, the way a user's model does: one in-memory file
// (memfd), named by /proc/self/fd/N and rewritten for each input.
class InputFile {
 public:
  InputFile() : fd_(memfd_create("soma-fuzz-model", 0)) {
    if (fd_ < 0) soma::fuzz::report_finding("memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~InputFile() { ::close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& write(const std::string& bytes) {
    if (::ftruncate(fd_, 0) != 0 ||
        ::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
      soma::fuzz::report_finding("cannot write the in-memory model file");
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

void load_and_predict(const std::string& bytes) {
  static InputFile file;
  soma::io::TrainedModel model;
  try {
    model = soma::io::load_trained_model(file.write(bytes));
  } catch (const soma::Error&) {
    return;  // a refusal, with its message: what the loader should do with a bad file
  }
  soma::Tensor outputs;
  try {
    const auto features = static_cast<int64_t>(model.feature_names.size());
    outputs = model.predict(soma::zeros(soma::Shape{2, features}));
  } catch (const soma::Error&) {
    // Also a refusal: metadata that disagree with each other (a scaler fitted on another
    // number of features, an unknown feature map) are refused here rather than at load.
    return;
  }
  if (outputs.rank() != 2 || outputs.shape()[0] != 2) {
    soma::fuzz::report_finding("predict of 2 rows gave " + outputs.shape().to_string());
  }
  // soma predict names each row's class from class_names, reading one probability per
  // output, or two (1 - p and p) from a single output.
  const int64_t columns = outputs.shape()[1];
  const int64_t probabilities = columns == 1 ? 2 : columns;
  if (model.is_classification() && static_cast<int64_t>(model.class_names.size()) < probabilities) {
    soma::fuzz::report_finding("a model with " + std::to_string(model.class_names.size()) +
                               " class names gives " + std::to_string(probabilities) +
                               " probabilities per row: soma predict would read past the names");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  load_and_predict(bytes);
  // The last four bytes are the CRC-32 of all before them (docs/MODEL_FORMAT.md).
  if (size < 4) return 0;
  const uint32_t computed = soma::io::crc32(std::as_bytes(std::span(bytes.data(), size - 4)));
  std::array<char, 4> trailer{};
  for (size_t i = 0; i < 4; ++i) trailer[i] = static_cast<char>((computed >> (8 * i)) & 0xffu);
  if (std::memcmp(bytes.data() + size - 4, trailer.data(), 4) == 0) return 0;
  std::memcpy(bytes.data() + size - 4, trailer.data(), 4);
  load_and_predict(bytes);
  return 0;
}
