// validation_fraction and weight_initializer: the defaults of `soma train` that follow
// other options (see train_defaults.hpp).
#include "train_defaults.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace soma::cli {

double validation_fraction(const ParsedArguments& arguments) {
  if (auto text = arguments.value("--validation-split"))
    return parse_real("--validation-split", *text, 0.0, 0.9);
  return arguments.has("--patience") ? 0.2 : 0.0;
}

nn::Initializer weight_initializer(const ParsedArguments& arguments,
                                   nn::ActivationKind hidden_activation) {
  if (auto init = arguments.value("--init")) return nn::Initializer::parse(*init);
  constexpr std::array<std::string_view, 4> relu_family = {"relu", "leaky_relu", "gelu", "silu"};
  const bool relu_like = std::find(relu_family.begin(), relu_family.end(),
                                   hidden_activation.name()) != relu_family.end();
  return relu_like ? nn::Initializer::he_uniform() : nn::Initializer::glorot_uniform();
}

}  // namespace soma::cli
