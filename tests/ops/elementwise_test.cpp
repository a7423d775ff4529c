// Element-wise operations long enough to be split over soma's threads (over 256K elements):
// every element is the one-thread value, bit for bit, and the right one, for unary ops, a
// binary op and a backward pass.
#include <gtest/gtest.h>

#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/kernels/threads.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"

namespace soma {
namespace {

struct Results {
  std::vector<float> relu_values, leaky_values, products, relu_gradient;
};

Results compute(int threads) {
  kernels::set_thread_count(threads);
  Generator generator(21);
  const Shape shape{600, 1000};  // 600,000 elements: split over two threads
  Tensor x = uniform(shape, -3.0f, 3.0f, generator);
  const Tensor y = uniform(shape, -1.0f, 1.0f, generator);
  x.set_requires_grad(true);
  const Tensor activated = relu(x);
  soma::backward(sum(activated * y));
  return {activated.to_vector(), leaky_relu(x.detach(), 0.1f).to_vector(),
          (x.detach() * y).to_vector(), x.grad().to_vector()};
}

TEST(ElementwiseOps, LongTensorsSplitOverThreadsGiveTheOneThreadValues) {
  const int previous = kernels::thread_count();
  const Results one = compute(1);
  const Results two = compute(2);
  kernels::set_thread_count(previous);
  EXPECT_EQ(one.relu_values, two.relu_values);
  EXPECT_EQ(one.leaky_values, two.leaky_values);
  EXPECT_EQ(one.products, two.products);
  EXPECT_EQ(one.relu_gradient, two.relu_gradient);
  // And the values are right: relu(x) = max(x, 0), and its gradient here is y where x > 0.
  Generator generator(21);
  const Tensor x = uniform(Shape{600, 1000}, -3.0f, 3.0f, generator);
  const Tensor y = uniform(Shape{600, 1000}, -1.0f, 1.0f, generator);
  for (size_t i = 0; i < one.relu_values.size(); i += 997) {
    const float xi = x.data()[i];
    ASSERT_EQ(two.relu_values[i], xi > 0.0f ? xi : 0.0f) << i;
    ASSERT_EQ(two.relu_gradient[i], xi > 0.0f ? y.data()[i] : 0.0f) << i;
    ASSERT_EQ(two.leaky_values[i], xi > 0.0f ? xi : 0.1f * xi) << i;
    ASSERT_EQ(two.products[i], xi * y.data()[i]) << i;
  }
}

}  // namespace
}  // namespace soma
