// save_model / load_model / load_weights on top of the model file format.
#include "soma/io/model.hpp"

#include <algorithm>
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

// Checks that the file's tensors are exactly the model's parameters, with equal shapes,
// before anything is copied; then copies them in place.
void copy_weights(const std::string& path, const ModelFile& file, nn::Module& model) {
  const std::vector<nn::NamedTensor> parameters = model.named_parameters();
  for (const auto& [name, parameter] : parameters) {
    const Tensor* stored = file.find_tensor(name);
    if (stored == nullptr) throw Error(path + ": the file has no weights for '" + name + "'");
    if (!(stored->shape() == parameter.shape())) {
      throw Error(path + ": '" + name + "' has shape " + stored->shape().to_string() +
                  " in the file but " + parameter.shape().to_string() + " in the model");
    }
  }
  if (file.tensors.size() != parameters.size()) {
    for (const auto& [name, tensor] : file.tensors) {
      bool known = false;
      for (const auto& [parameter_name, parameter] : parameters) known |= parameter_name == name;
      if (!known) throw Error(path + ": the file has weights '" + name + "' the model lacks");
    }
  }
  for (const auto& [name, parameter] : parameters) {
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
    file.tensors.emplace_back(name, parameter);
  }
  save_model_file(path, file);
}

LoadedModel load_model(const std::string& path) {
  const ModelFile file = load_model_file(path);
  LoadedModel loaded;
  try {
    loaded.network = nn::build_from_architecture(architecture_of(path, file));
  } catch (const Error& error) {
    const std::string message = error.what();
    if (message.rfind(path + ":", 0) == 0) throw;
    throw Error(path + ": " + message);
  }
  copy_weights(path, file, *loaded.network);
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
      throw Error(path + ": wrong architecture: layer " + std::to_string(i) + " is '" + in_file +
                  "' in the file but '" + in_model + "' in the model");
    }
  }
  copy_weights(path, file, model);
}

}  // namespace soma::io
