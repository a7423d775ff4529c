// save_model / load_model / load_weights on top of the model file format. A file's
// architecture is checked against its tensors before any network is built, so that the
// memory a load takes stays proportional to the file.
#include "soma/io/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "soma/core/error.hpp"
#include "soma/nn/network_spec.hpp"

namespace soma::io {

namespace {

constexpr const char* architecture_key = "architecture";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Runs `step`, starting the message of any soma::Error it throws with "NAME: ".
template <class Step>
auto naming_the_file(const std::string& name, Step step) {
  try {
    return step();
  } catch (const Error& error) {
    const std::string message = error.what();
    if (message.rfind(name + ":", 0) == 0) throw;
    throw Error(name + ": " + message);
  }
}

std::vector<nn::ParameterShape> shapes_of(const nn::Module& model) {
  std::vector<nn::ParameterShape> shapes;
  for (const auto& [name, parameter] : model.named_parameters()) {
    shapes.push_back({name, parameter.shape()});
  }
  return shapes;
}

// "[1, 2]": the position of element `index` in a tensor of this shape, outermost first.
std::string position_of(int64_t index, const Shape& shape) {
  std::string position;
  for (int dim = shape.rank() - 1; dim >= 0; --dim) {
    position = std::to_string(index % shape[dim]) + (position.empty() ? "" : ", ") + position;
    index /= shape[dim];
  }
  return "[" + position + "]";
}

// Throws naming the tensor and the first value that is NaN or infinite: the kernels, the
// losses and the class predictions all assume finite weights.
void check_finite(const std::string& path, const std::string& name, const Tensor& tensor) {
  const float* values = tensor.data();
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    if (std::isfinite(values[i])) continue;
    char value[16];
    std::snprintf(value, sizeof value, "%g", static_cast<double>(values[i]));
    throw Error(path + ": tensor " + quoted_for_message(name) + " holds " + value + " at index " +
                std::to_string(i) + " (element " + position_of(i, tensor.shape()) + " of " +
                tensor.shape().to_string() + "); weights must be finite");
  }
}

// Checks that the file's tensors are exactly the `expected` parameters, with equal shapes
// and finite values, before anything is built or copied. `owner` says where the expected
// shapes come from: "the model" or "its architecture".
void check_weights(const std::string& path, const ModelFile& file,
                   const std::vector<nn::ParameterShape>& expected, const std::string& owner) {
  for (const auto& [name, shape] : expected) {
    const Tensor* stored = file.find_tensor(name);
    if (stored == nullptr) {
      throw Error(path + ": the file has no weights for " + quoted_for_message(name));
    }
    if (!(stored->shape() == shape)) {
      throw Error(path + ": " + quoted_for_message(name) + " has shape " +
                  stored->shape().to_string() + " in the file but " + shape.to_string() + " in " +
                  owner);
    }
  }
  if (file.tensors.size() != expected.size()) {
    for (const auto& entry : file.tensors) {
      const std::string& name = entry.first;  // a lambda may not capture a structured binding
      const bool known = std::any_of(expected.begin(), expected.end(),
                                     [&](const nn::ParameterShape& p) { return p.name == name; });
      if (!known) {
        throw Error(path + ": the file has weights " + quoted_for_message(name) + " " + owner +
                    " lacks");
      }
    }
  }
  for (const auto& [name, tensor] : file.tensors) check_finite(path, name, tensor);
}

// Copies the file's tensors into the model's parameters, which check_weights has matched.
void copy_weights(const ModelFile& file, nn::Module& model) {
  for (const auto& [name, parameter] : model.named_parameters()) {
    const Tensor* stored = file.find_tensor(name);
    Tensor target = parameter;
    std::memcpy(target.data(), stored->data(),
                static_cast<size_t>(stored->numel()) * sizeof(float));
  }
}

Metadata metadata_without_architecture(const ModelFile& file) {
  Metadata metadata;
  for (const auto& entry : file.metadata) {
    if (entry.first != architecture_key) metadata.push_back(entry);
  }
  return metadata;
}

const std::string& architecture_of(const std::string& path, const ModelFile& file) {
  const std::string* architecture = file.find_metadata(architecture_key);
  if (architecture == nullptr) {
    throw Error(path + ": the file holds no network architecture (not a saved network)");
  }
  return *architecture;
}

}  // namespace

void save_model(const std::string& path, const nn::Module& model, const Metadata& extra) {
  ModelFile file;
  file.metadata.emplace_back(architecture_key, model.architecture());
  for (const auto& entry : extra) {
    if (entry.first == architecture_key) {
      throw Error("save_model: the metadata key 'architecture' is reserved");
    }
    file.metadata.push_back(entry);
  }
  for (const auto& [name, parameter] : model.named_parameters()) {
    // A file soma would refuse to load is never written.
    check_finite(path + ": cannot save", name, parameter);
    file.tensors.emplace_back(name, parameter);
  }
  save_model_file(path, file);
}

LoadedModel load_model(const std::string& path) {
  return model_from_file(load_model_file(path), path);
}

LoadedModel model_from_file(const ModelFile& file, const std::string& name_for_errors) {
  const std::string& path = name_for_errors;
  const std::vector<nn::LayerSpec> layers =
      naming_the_file(path, [&] { return nn::parse_architecture(architecture_of(path, file)); });
  // The shapes come from the text and the tensors from the file: only once they agree does
  // building the network take memory, and then no more than the file's tensors do.
  check_weights(path, file, naming_the_file(path, [&] { return nn::parameter_shapes(layers); }),
                "its architecture");
  LoadedModel loaded;
  loaded.network = naming_the_file(
      path, [&] { return nn::build_from_architecture(architecture_of(path, file)); });
  copy_weights(file, *loaded.network);
  loaded.metadata = metadata_without_architecture(file);
  return loaded;
}

void load_weights(const std::string& path, nn::Module& model) {
  const ModelFile file = load_model_file(path);
  const std::vector<std::string> stored = lines_of(architecture_of(path, file));
  const std::vector<std::string> expected = lines_of(model.architecture());
  for (size_t i = 0; i < std::max(stored.size(), expected.size()); ++i) {
    const std::string in_file = i < stored.size() ? stored[i] : "(nothing)";
    const std::string in_model = i < expected.size() ? expected[i] : "(nothing)";
    if (in_file != in_model) {
      throw Error(path + ": wrong architecture: layer " + std::to_string(i) + " is " +
                  quoted_for_message(in_file) + " in the file but " + quoted_for_message(in_model) +
                  " in the model");
    }
  }
  check_weights(path, file, shapes_of(model), "the model");
  copy_weights(file, model);
}

}  // namespace soma::io
