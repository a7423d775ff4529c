// validation_fraction and weight_initializer: the defaults of `soma train` that follow
// other options (see train_defaults.hpp).
#include "train_defaults.hpp"

namespace soma::cli {

double validation_fraction(const ParsedArguments& arguments) {
  if (auto text = arguments.value("--validation-split"))
    return parse_real("--validation-split", *text, 0.0, 0.9);
  return arguments.has("--patience") ? 0.2 : 0.0;
}

nn::Initializer weight_initializer(const ParsedArguments& arguments,
                                   nn::ActivationKind hidden_activation) {
  if (auto init = arguments.value("--init")) return nn::Initializer::parse(*init);
  return hidden_activation.function().rectifier ? nn::Initializer::he_uniform()
                                                : nn::Initializer::glorot_uniform();
}

std::string init_help() {
  std::string rectifiers;
  for (const ActivationFunction& function : activation_functions()) {
    if (!function.rectifier) continue;
    if (!rectifiers.empty()) rectifiers += ", ";
    rectifiers += function.name;
  }
  return "weight initialiser (default: he_uniform under " + rectifiers +
         "; glorot_uniform otherwise)";
}

}  // namespace soma::cli
