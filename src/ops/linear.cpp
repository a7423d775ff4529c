// linear(x, W, b) = x W + b and its backward: dx = g W^T, dW = x^T g, db = column sums
// of g, with g = d(out)/d(result) of shape (samples x outputs). dW and db go straight into
// the buffers the engine offers: a parameter's gradient, or under backward_and_update its
// values (scale -learning_rate), so that the SGD step is the weight-gradient GEMM itself.
#include "soma/ops/linear.hpp"

#include "product_into.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/axpy.hpp"

namespace soma {

using detail::product_into;

namespace {

void check_shapes(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (x.rank() != 2 || weight.rank() != 2) {
    throw Error("linear: expects a 2-d input and a 2-d weight, got " + x.shape().to_string() +
                " and " + weight.shape().to_string());
  }
  if (x.shape()[1] != weight.shape()[0]) {
    throw Error("linear: cannot multiply " + x.shape().to_string() + " by " +
                weight.shape().to_string());
  }
  if (bias.defined() && !(bias.rank() == 1 && bias.shape()[0] == weight.shape()[1])) {
    throw Error("linear: the bias must have shape (" + std::to_string(weight.shape()[1]) +
                ") for a weight of shape " + weight.shape().to_string() + ", got " +
                bias.shape().to_string());
  }
}

// total (outputs) += the sum over samples of g (samples x outputs), row after row so that
// the inner loop runs along contiguous memory and vectorises.
void add_column_sums(const Tensor& g, float* total) {
  const int64_t samples = g.shape()[0];
  const int64_t outputs = g.shape()[1];
  float* __restrict sums = total;
  const float* __restrict rows = g.data();
  for (int64_t i = 0; i < samples; ++i) {
    const float* __restrict row = rows + i * outputs;
    for (int64_t j = 0; j < outputs; ++j) sums[j] += row[j];
  }
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_shapes(x, weight, bias);
  const int64_t samples = x.shape()[0];
  const int64_t outputs = weight.shape()[1];
  Tensor out = Tensor::empty(Shape{samples, outputs});
  // Every row starts as b: each block of C on the thread that then adds its product.
  product_into(out.data(), outputs, x, false, weight, false, 0.0f,
               bias.defined() ? bias.data() : nullptr);
  const bool with_bias = bias.defined();
  if (!(with_bias ? should_record(x, weight, bias) : should_record(x, weight))) return out;
  std::vector<Tensor> inputs = {x, weight};
  if (with_bias) inputs.push_back(bias);
  return record(out, "linear", std::move(inputs),
                [x = x.detach(), weight = weight.detach(), with_bias](
                    const Tensor& g, Node::Wanted wanted, Node::LeafGradients leaf_gradients) {
                  std::vector<Tensor> grads(with_bias ? 3 : 2);
                  if (wanted[0]) {  // dx = g W^T: (samples x outputs)(outputs x inputs)
                    grads[0] = Tensor::empty(x.shape());
                    product_into(grads[0].data(), x.shape()[1], g, false, weight, true, 0.0f);
                  }
                  // dx above has read the weight: from here on it may change in place.
                  if (wanted[1]) {  // dW = x^T g: (inputs x samples)(samples x outputs)
                    if (const Node::LeafTarget target = leaf_gradients[1]; target.buffer) {
                      // Straight into the buffer: the product, times the scale, adds onto it.
                      product_into(target.buffer, weight.shape()[1], x, true, g, false, 1.0f,
                                   nullptr, target.scale);
                    } else {
                      grads[1] = Tensor::empty(weight.shape());
                      product_into(grads[1].data(), weight.shape()[1], x, true, g, false, 0.0f);
                    }
                  }
                  if (with_bias && wanted[2]) {  // db = column sums of g
                    if (const Node::LeafTarget target = leaf_gradients[2]; !target.buffer) {
                      grads[2] = zeros(Shape{g.shape()[1]});
                      add_column_sums(g, grads[2].data());
                    } else if (target.scale == 1.0f) {
                      add_column_sums(g, target.buffer);
                    } else {
                      Tensor sums = zeros(Shape{g.shape()[1]});
                      add_column_sums(g, sums.data());
                      kernels::axpy(sums.numel(), target.scale, sums.data(), target.buffer);
                    }
                  }
                  return grads;
                });
}

}  // namespace soma
