// Loss functions: a scalar measuring how far predictions are from targets, averaged over
// the batch. Each has a fused, numerically stable derivative.
#pragma once

#include <cstdint>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

// mean((prediction - target)^2) over every element; the shapes must be equal. For one
// output per sample this is the batch mean of the squared error (PyTorch's MSELoss).
Tensor squared_error(const Tensor& prediction, const Tensor& target);
// -mean(t log p + (1 - t) log(1 - p)) on probabilities p, clamped to [1e-7, 1 - 1e-7]
// so that p = 0 or 1 gives a large finite loss and gradient, never inf or nan.
Tensor binary_cross_entropy(const Tensor& probability, const Tensor& target);
// The same loss on logits z (p = sigmoid(z)), computed stably:
// max(z, 0) - z t + log(1 + e^-|z|). Prefer it to sigmoid + binary_cross_entropy.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target);
// -mean over rows i of log softmax(logits)[i, label_i], for logits (n x classes) and n
// integer class labels in [0, classes).
Tensor softmax_cross_entropy(const Tensor& logits, const std::vector<int64_t>& labels);
// The same with labels in a tensor of n integral values (as data files provide them).
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& labels);

}  // namespace soma
