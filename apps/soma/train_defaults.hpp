// The defaults of `soma train` that depend on other options, in one place, with the help
// text that states them: the validation split (none unless early stopping needs one) and
// the weight initialiser (He under ReLU-family hidden activations, Glorot otherwise).
#pragma once

#include <string>

#include "arguments.hpp"
#include "soma/nn/network_spec.hpp"

namespace soma::cli {

inline constexpr const char* validation_split_help =
    "fraction held out for validation (default 0; 0.2 with --patience)";
inline constexpr const char* patience_help =
    "early stopping after N epochs without improvement of the validation loss (the training "
    "loss with --validation-split 0)";
// "weight initialiser (default: he_uniform under relu, leaky_relu, ...; glorot_uniform
// otherwise)", the rectifiers named from the activation table.
std::string init_help();

// --validation-split's value; else 0.2 when --patience asks for early stopping, else 0: a
// held-out part that nothing reads would only take samples from training.
double validation_fraction(const ParsedArguments& arguments);

// --init's initialiser; else he_uniform for a hidden activation the table marks as a
// rectifier (shaped like ReLU), glorot_uniform for the others (sigmoid, tanh, ...).
nn::Initializer weight_initializer(const ParsedArguments& arguments,
                                   nn::ActivationKind hidden_activation);

}  // namespace soma::cli
