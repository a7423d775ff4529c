// The lecture's warnings about a network and its loss: the layers are read in order (the
// leaves of the module tree, as a Sequential runs them), the last one for the output.
#include "soma/train/network_checks.hpp"

#include <vector>

#include "soma/core/error.hpp"

namespace soma::train {

namespace {

// The modules without submodules, in the order they run: a network's layers.
void collect_layers(const nn::Module& module, std::vector<const nn::Module*>& layers) {
  if (module.children().empty()) {
    layers.push_back(&module);
    return;
  }
  for (const auto& [name, child] : module.children()) collect_layers(*child, layers);
}

bool is_step(const nn::Module* layer) {
  const auto* activation = dynamic_cast<const nn::Activation*>(layer);
  return activation != nullptr && activation->kind() == nn::ActivationKind::step;
}

}  // namespace

std::string repeated_output_activation(nn::ActivationKind activation, LossKind loss) {
  using nn::ActivationKind;
  const bool softmax_twice =
      activation == ActivationKind::softmax && loss == LossKind::softmax_cross_entropy;
  const bool sigmoid_twice =
      activation == ActivationKind::sigmoid && loss == LossKind::binary_cross_entropy_with_logits;
  if (!softmax_twice && !sigmoid_twice) return "";
  const std::string function(activation.name());
  const std::string loss_text(loss_name(loss));
  return "a " + function + " output layer and the loss " + loss_text + " apply the " + function +
         " twice: " + loss_text + " applies it itself, to raw outputs (logits)";
}

void check_output_for_loss(const nn::Module& model, LossKind loss) {
  std::vector<const nn::Module*> layers;
  collect_layers(model, layers);
  const auto* last = layers.empty() ? nullptr : dynamic_cast<const nn::Activation*>(layers.back());
  if (last == nullptr) return;
  const std::string reason = repeated_output_activation(last->kind(), loss);
  if (reason.empty()) return;
  throw Error("fit: " + reason + "; end the network without the " +
              std::string(last->kind().name()) + " (identity), or train " +
              (loss == LossKind::softmax_cross_entropy
                   ? "with squared_error on the softmax's outputs"
                   : "with binary_cross_entropy on the sigmoid's outputs"));
}

std::string step_activation_warning(const nn::Module& model) {
  std::vector<const nn::Module*> layers;
  collect_layers(model, layers);
  size_t last_step = layers.size();
  for (size_t i = 0; i < layers.size(); ++i) {
    if (is_step(layers[i])) last_step = i;
  }
  if (last_step == layers.size()) return "";
  int64_t frozen = 0;  // the parameters of the layers before the last step layer
  for (size_t i = 0; i < last_step; ++i) frozen += layers[i]->parameter_count();
  const std::string position = last_step + 1 == layers.size()
                                   ? "the output layer is a step"
                                   : "layer " + std::to_string(last_step + 1) + " of " +
                                         std::to_string(layers.size()) + " is a step";
  return position +
         ", whose derivative is 0 wherever it is defined: backpropagation brings no gradient "
         "to the layers before it, so gradient descent cannot move their weights (" +
         std::to_string(frozen) + " of " + std::to_string(model.parameter_count()) +
         " parameters stay as initialised); use sigmoid or tanh for a smooth step";
}

}  // namespace soma::train
