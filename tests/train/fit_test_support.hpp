// Helpers of the training loop's tests (fit_test.cpp, fit_memory_test.cpp): a seeded
// network from its sizes, and a bit-for-bit comparison of two networks' parameters.
#pragma once

#include <cstring>
#include <memory>

#include "soma/nn/network_spec.hpp"

namespace soma::train {

inline std::shared_ptr<nn::Sequential> network(const char* sizes, nn::ActivationKind hidden,
                                               nn::ActivationKind output, uint64_t seed = 7) {
  Generator generator(seed);
  return nn::build_network({.layer_sizes = nn::parse_layer_sizes(sizes),
                            .hidden_activation = hidden,
                            .output_activation = output},
                           generator);
}

inline bool same_parameters(const nn::Module& a, const nn::Module& b) {
  const auto pa = a.parameters();
  const auto pb = b.parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    if (std::memcmp(pa[i].data(), pb[i].data(), static_cast<size_t>(pa[i].numel()) * 4) != 0) {
      return false;
    }
  }
  return pa.size() == pb.size();
}

}  // namespace soma::train
