// trace_sample: the network's layers run one by one on a batch of one, each output kept with
// retain_grad(), then one backward pass from the loss; the parameters' gradients are set
// aside first and put back afterwards, so that tracing never disturbs training.
#include "soma/train/sample_trace.hpp"

#include <utility>

#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/nn/layer_registry.hpp"

namespace soma::train {

namespace {

std::vector<float> gradient_of(const Tensor& tensor) {
  const Tensor grad = tensor.grad();
  // A value the loss does not depend on (none in a network, but an input may be cut off).
  return grad.defined() ? grad.to_vector() : std::vector<float>(tensor.numel(), 0.0f);
}

std::string op_of(const nn::Module& layer) {
  const nn::LayerSpec spec = nn::spec_of(layer);
  if (spec.role == nn::LayerRole::affine) return "linear";
  if (spec.role == nn::LayerRole::dropout) return "dropout";
  const auto* activation = dynamic_cast<const nn::Activation*>(&layer);
  if (activation == nullptr) throw Error("trace_sample: unknown layer " + layer.describe());
  return std::string(nn::activation_name(activation->kind()));
}

// Restores training mode and the parameters' earlier gradients when tracing ends, however.
class SetAside {
 public:
  explicit SetAside(nn::Sequential& network)
      : network_(network), was_training_(network.is_training()) {
    for (const Tensor& parameter : network.parameters()) {
      const Tensor grad = parameter.grad();
      saved_.push_back(grad.defined() ? grad.clone() : Tensor());
    }
  }
  SetAside(const SetAside&) = delete;
  SetAside& operator=(const SetAside&) = delete;
  ~SetAside() {
    network_.train(was_training_);
    std::vector<Tensor> parameters = network_.parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      parameters[i].clear_grad();
      if (saved_[i].defined()) parameters[i].impl()->grad = saved_[i].impl_ptr();
    }
  }

 private:
  nn::Sequential& network_;
  bool was_training_;
  std::vector<Tensor> saved_;
};

}  // namespace

SampleTrace trace_sample(nn::Sequential& network, const std::vector<float>& input,
                         LossKind loss_kind, nn::ActivationKind head,
                         const Tensor& prepared_target) {
  const auto features = static_cast<int64_t>(input.size());
  const int64_t outputs = network.output_features(features);  // throws for a wrong count
  const SetAside set_aside(network);
  network.eval();
  for (Tensor parameter : network.parameters()) parameter.clear_grad();

  Tensor x = from_values({1, features}, input).set_requires_grad();
  std::vector<Tensor> values;  // each layer's output (1 x features)
  Tensor current = x;
  for (size_t i = 0; i < network.size(); ++i) {
    current = network.layer(i).forward(current);
    if (!current.is_leaf()) current.retain_grad();
    values.push_back(current);
  }
  if (current.numel() != outputs) throw Error("trace_sample: the network gave a wrong output");
  const Tensor loss = compute_loss(loss_kind, current, prepared_target);
  backward(loss);

  SampleTrace trace{.input = input,
                    .input_grad = gradient_of(x),
                    .layers = {},
                    .parameters = {},
                    .loss_kind = loss_kind,
                    .head = head,
                    .target = prepared_target.to_vector(),
                    .prediction = nn::apply_activation(head, current.detach()).to_vector(),
                    .loss = static_cast<double>(loss.item())};
  for (size_t i = 0; i < network.size(); ++i) {
    // Dropout in evaluation mode hands its input on: the same tensor as the layer before.
    trace.layers.push_back(
        {op_of(network.layer(i)), values[i].to_vector(), gradient_of(values[i])});
  }
  for (const auto& [name, parameter] : network.named_parameters()) {
    trace.parameters.push_back(
        {name, parameter.shape(), parameter.to_vector(), gradient_of(parameter)});
  }
  return trace;
}

}  // namespace soma::train
