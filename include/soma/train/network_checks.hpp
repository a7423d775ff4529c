// What the lecture warns about a network and the loss it is trained with, said before any
// training: an output activation that the loss applies again (refused), and a step
// activation, whose zero derivative stops gradient descent (a warning).
#pragma once

#include <string>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/module.hpp"
#include "soma/train/loss_kind.hpp"

namespace soma::train {

// Why an output layer `activation` before `loss` applies one function twice, naming both:
// a softmax before cross_entropy (softmax cross-entropy on logits), a sigmoid before
// bce_with_logits; "" for every other pair.
std::string repeated_output_activation(nn::ActivationKind activation, LossKind loss);

// Throws soma::Error ("fit: ...", with repeated_output_activation's reason) when the last
// layer of `model` is an activation that `loss` applies again. fit() calls it.
void check_output_for_loss(const nn::Module& model, LossKind loss);

// The warning for a model with a step activation, or "" without one: the step's
// derivative is 0 wherever it is defined, so backpropagation brings no gradient to the
// layers before the last step layer and gradient descent leaves their weights as they were
// initialised. Names the layer, how many parameters stay put, and what to use instead.
std::string step_activation_warning(const nn::Module& model);

}  // namespace soma::train
