// Saving and loading networks: the architecture (as nn::Module::architecture() text) and
// every named parameter in one soma model file (see docs/MODEL_FORMAT.md), plus any
// metadata the caller adds (class names, feature scaling, ...).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "soma/io/model_file.hpp"
#include "soma/nn/sequential.hpp"

namespace soma::io {

using Metadata = std::vector<std::pair<std::string, std::string>>;

// Writes atomically: a failed save leaves any previous file at `path` whole. Refuses (before
// writing anything) weights that are not finite, which load_model would refuse.
void save_model(const std::string& path, const nn::Module& model, const Metadata& extra = {});

struct LoadedModel {
  std::shared_ptr<nn::Sequential> network;
  Metadata metadata;  // everything the file holds besides the weights
};

// Rebuilds the network from the file's architecture and loads its weights. Throws
// soma::Error, starting with the path, for any unreadable, corrupted or inconsistent file:
// tensors that are not exactly the architecture's parameters (names and shapes, checked
// before anything is built) or that hold a NaN or an infinity.
LoadedModel load_model(const std::string& path);
// The same from a decoded file; `name_for_errors` (normally its path) starts every message.
LoadedModel model_from_file(const ModelFile& file, const std::string& name_for_errors);

// Loads a file's weights into an existing network, which must have the same architecture;
// otherwise throws naming the first difference (nothing is changed then). Throws, as
// load_model does, for weights that are not finite.
void load_weights(const std::string& path, nn::Module& model);

}  // namespace soma::io
