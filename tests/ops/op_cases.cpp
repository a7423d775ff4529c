// The op table: every differentiable op of soma, on several shapes, with its backpropagated
// gradient checked against finite differences (as ggml's test-backend-ops does).
//
// HOW TO ADD A CASE FOR A NEW OP: add one line to the table op_cases below,
//     {"my_op_bias_row", [](const Inputs& x) { return my_op(x[0], x[1]); }, {{5, 3}, {3}}, {any}},
// that is: a unique name (letters, digits and _), the op applied to the inputs x[0], x[1], ...,
// the input shapes ({} is a 0-d scalar), and the domain the inputs are drawn from: one for
// all inputs ({positive}) or one per input ({probability, unit}); see the domains below.
// Each line becomes its own test, Ops/OpGradientTest.MatchesFiniteDifferences/<name>: the
// harness draws the inputs from a fixed-seed generator, reduces the output to a scalar as
// sum(output * fixed random weights), so every output element counts with its own weight,
// and runs soma::check_gradients, printing its report when the check fails.
// Add a line to the table value_cases at the end too: a forward value worked out by hand,
// because a gradient check alone passes a wrong forward whose derivative is consistently wrong.
// An activation of the table (src/ops/activation.cpp) needs a line named after it, as
// {"gelu", [](const Inputs& x) { return activate("gelu", x[0]); }, {{3, 4}}, {any}}
// (tests/ops/activation_test.cpp checks); its values against PyTorch's are checked there.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "soma/soma.hpp"

namespace {

using namespace soma;

using Inputs = std::vector<Tensor>;

// Where inputs are drawn from: uniform in [low, high), or |x| uniform in [low, high) with a
// random sign.
struct Domain {
  float low;
  float high;
  bool random_sign;
};

constexpr Domain any{-2.0f, 2.0f, false};
constexpr Domain positive{0.5f, 2.0f, false};       // log, sqrt, fractional powers
constexpr Domain probability{0.05f, 0.95f, false};  // inputs of binary_cross_entropy
constexpr Domain unit{0.0f, 1.0f, false};           // targets
constexpr Domain away_from_zero{0.1f, 2.0f, true};  // clear of the kinks of relu, abs, step
constexpr Domain large{10.0f, 40.0f, true};         // saturated sigmoid, softplus

struct OpCase {
  std::string name;
  std::function<Tensor(const Inputs&)> op;
  std::vector<Shape> shapes;
  std::vector<Domain> domains;  // one for every input, or one per input
};

void PrintTo(const OpCase& op_case, std::ostream* out) {
  *out << op_case.name;
}

const std::vector<int64_t> labels_4 = {2, 0, 1, 2};

// clang-format off
const std::vector<OpCase> op_cases = {
    // --- element-wise arithmetic, with every kind of broadcasting ---
    {"add_same_shape", [](const Inputs& x) { return add(x[0], x[1]); }, {{3, 4}, {3, 4}}, {any}},
    {"add_scalar_and_matrix", [](const Inputs& x) { return add(x[0], x[1]); }, {{}, {3, 4}}, {any}},
    {"add_matrix_and_scalar", [](const Inputs& x) { return add(x[0], x[1]); }, {{3, 4}, {}}, {any}},
    {"add_bias_row", [](const Inputs& x) { return add(x[0], x[1]); }, {{5, 3}, {3}}, {any}},
    {"add_column", [](const Inputs& x) { return add(x[0], x[1]); }, {{4, 1}, {4, 3}}, {any}},
    {"add_column_and_row", [](const Inputs& x) { return add(x[0], x[1]); }, {{4, 1}, {3}}, {any}},
    {"add_3d", [](const Inputs& x) { return add(x[0], x[1]); }, {{2, 3, 4}, {3, 1}}, {any}},
    {"add_4d", [](const Inputs& x) { return add(x[0], x[1]); }, {{2, 1, 3, 1}, {1, 4, 1, 5}}, {any}},
    {"sub_same_shape", [](const Inputs& x) { return sub(x[0], x[1]); }, {{3, 4}, {3, 4}}, {any}},
    {"sub_scalar", [](const Inputs& x) { return sub(x[0], x[1]); }, {{3, 4}, {}}, {any}},
    {"sub_from_scalar", [](const Inputs& x) { return sub(x[0], x[1]); }, {{}, {3, 4}}, {any}},
    {"sub_bias_row", [](const Inputs& x) { return sub(x[0], x[1]); }, {{5, 3}, {3}}, {any}},
    {"sub_column", [](const Inputs& x) { return sub(x[0], x[1]); }, {{4, 1}, {4, 3}}, {any}},
    {"sub_3d", [](const Inputs& x) { return sub(x[0], x[1]); }, {{3, 1}, {2, 3, 4}}, {any}},
    {"mul_same_shape", [](const Inputs& x) { return mul(x[0], x[1]); }, {{3, 4}, {3, 4}}, {any}},
    {"mul_scalar", [](const Inputs& x) { return mul(x[0], x[1]); }, {{}, {3, 4}}, {any}},
    {"mul_bias_row", [](const Inputs& x) { return mul(x[0], x[1]); }, {{5, 3}, {3}}, {any}},
    {"mul_column", [](const Inputs& x) { return mul(x[0], x[1]); }, {{4, 1}, {4, 3}}, {any}},
    {"mul_3d", [](const Inputs& x) { return mul(x[0], x[1]); }, {{2, 3, 4}, {4}}, {any}},
    {"mul_4d", [](const Inputs& x) { return mul(x[0], x[1]); }, {{2, 1, 3, 1}, {1, 4, 1, 5}}, {any}},
    {"div_same_shape", [](const Inputs& x) { return div(x[0], x[1]); }, {{3, 4}, {3, 4}}, {any, away_from_zero}},
    {"div_by_scalar", [](const Inputs& x) { return div(x[0], x[1]); }, {{3, 4}, {}}, {any, away_from_zero}},
    {"div_scalar_by_matrix", [](const Inputs& x) { return div(x[0], x[1]); }, {{}, {3, 4}}, {any, away_from_zero}},
    {"div_bias_row", [](const Inputs& x) { return div(x[0], x[1]); }, {{5, 3}, {3}}, {any, away_from_zero}},
    {"div_column", [](const Inputs& x) { return div(x[0], x[1]); }, {{4, 1}, {4, 3}}, {any, away_from_zero}},
    {"div_3d", [](const Inputs& x) { return div(x[0], x[1]); }, {{2, 3, 4}, {3, 1}}, {any, away_from_zero}},
    {"operators_with_floats", [](const Inputs& x) { return (2.0f * x[0] - 1.0f) / 4.0f + (1.0f - x[0]) * 3.0f; }, {{3, 4}}, {any}},
    {"operators_divide_float_by_tensor", [](const Inputs& x) { return 3.0f / x[0] + x[0] + 0.5f; }, {{3, 4}}, {away_from_zero}},
    {"operators_on_tensors", [](const Inputs& x) { return -(x[0] + x[1]) * x[0] - x[1] / x[0]; }, {{3, 4}, {4}}, {away_from_zero}},
    {"neg", [](const Inputs& x) { return neg(x[0]); }, {{3, 4}}, {any}},
    {"neg_scalar", [](const Inputs& x) { return neg(x[0]); }, {{}}, {any}},
    // --- powers and element-wise math ---
    {"pow_2", [](const Inputs& x) { return pow(x[0], 2.0f); }, {{3, 4}}, {any}},
    {"pow_3", [](const Inputs& x) { return pow(x[0], 3.0f); }, {{3, 4}}, {any}},
    {"pow_half", [](const Inputs& x) { return pow(x[0], 0.5f); }, {{3, 4}}, {positive}},
    {"pow_minus_1", [](const Inputs& x) { return pow(x[0], -1.0f); }, {{3, 4}}, {positive}},
    {"pow_0", [](const Inputs& x) { return pow(x[0], 0.0f); }, {{3, 4}}, {any}},
    {"pow_1_5_scalar", [](const Inputs& x) { return pow(x[0], 1.5f); }, {{}}, {positive}},
    {"pow_tensor_same_shape", [](const Inputs& x) { return pow(x[0], x[1]); }, {{3, 4}, {3, 4}}, {positive, any}},
    {"pow_tensor_scalar_exponent", [](const Inputs& x) { return pow(x[0], x[1]); }, {{3, 4}, {}}, {positive, any}},
    {"pow_tensor_row_exponent", [](const Inputs& x) { return pow(x[0], x[1]); }, {{2, 3}, {3}}, {positive, any}},
    {"square", [](const Inputs& x) { return square(x[0]); }, {{3, 4}}, {any}},
    {"square_3d", [](const Inputs& x) { return square(x[0]); }, {{2, 3, 2}}, {any}},
    {"exp", [](const Inputs& x) { return exp(x[0]); }, {{3, 4}}, {any}},
    {"exp_scalar", [](const Inputs& x) { return exp(x[0]); }, {{}}, {any}},
    {"log", [](const Inputs& x) { return log(x[0]); }, {{3, 4}}, {positive}},
    {"log_3d", [](const Inputs& x) { return log(x[0]); }, {{2, 2, 3}}, {positive}},
    {"sqrt", [](const Inputs& x) { return sqrt(x[0]); }, {{3, 4}}, {positive}},
    {"abs", [](const Inputs& x) { return abs(x[0]); }, {{3, 4}}, {away_from_zero}},
    // --- linear algebra and shapes ---
    {"matmul_2x3_3x4", [](const Inputs& x) { return matmul(x[0], x[1]); }, {{2, 3}, {3, 4}}, {any}},
    {"matmul_1x5_5x1", [](const Inputs& x) { return matmul(x[0], x[1]); }, {{1, 5}, {5, 1}}, {any}},
    {"matmul_7x1_1x3", [](const Inputs& x) { return matmul(x[0], x[1]); }, {{7, 1}, {1, 3}}, {any}},
    {"matmul_8x16_16x5", [](const Inputs& x) { return matmul(x[0], x[1]); }, {{8, 16}, {16, 5}}, {any}},
    {"linear_4x3_3x2_bias", [](const Inputs& x) { return linear(x[0], x[1], x[2]); }, {{4, 3}, {3, 2}, {2}}, {any}},
    {"linear_1x5_5x3_bias", [](const Inputs& x) { return linear(x[0], x[1], x[2]); }, {{1, 5}, {5, 3}, {3}}, {any}},
    {"linear_6x4_4x1_no_bias", [](const Inputs& x) { return linear(x[0], x[1], Tensor()); }, {{6, 4}, {4, 1}}, {any}},
    {"linear_fan_out_x", [](const Inputs& x) { return linear(x[0], x[1], x[2]) * x[0]; }, {{3, 3}, {3, 3}, {3}}, {any}},
    {"transpose_2d", [](const Inputs& x) { return transpose(x[0]); }, {{3, 5}}, {any}},
    {"transpose_3d_dims_0_2", [](const Inputs& x) { return transpose(x[0], 0, 2); }, {{2, 3, 4}}, {any}},
    {"transpose_3d_negative_dims", [](const Inputs& x) { return transpose(x[0], -1, -2); }, {{2, 3, 4}}, {any}},
    {"transpose_4d_dims_1_3", [](const Inputs& x) { return transpose(x[0], 1, 3); }, {{2, 3, 1, 4}}, {any}},
    {"reshape_2d", [](const Inputs& x) { return reshape(x[0], {2, 6}); }, {{3, 4}}, {any}},
    {"reshape_flatten", [](const Inputs& x) { return reshape(x[0], {-1}); }, {{3, 4}}, {any}},
    {"reshape_infer_rows", [](const Inputs& x) { return reshape(x[0], {-1, 4}); }, {{2, 6}}, {any}},
    {"reshape_to_3d", [](const Inputs& x) { return reshape(x[0], {2, -1, 3}); }, {{12}}, {any}},
    {"reshape_to_scalar", [](const Inputs& x) { return reshape(x[0], {}); }, {{1, 1}}, {any}},
    // --- reductions ---
    {"sum_all_2d", [](const Inputs& x) { return sum(x[0]); }, {{3, 4}}, {any}},
    {"sum_all_3d", [](const Inputs& x) { return sum(x[0]); }, {{2, 3, 4}}, {any}},
    {"sum_axis_0", [](const Inputs& x) { return sum(x[0], 0); }, {{3, 4}}, {any}},
    {"sum_axis_1", [](const Inputs& x) { return sum(x[0], 1); }, {{3, 4}}, {any}},
    {"sum_axis_minus_1", [](const Inputs& x) { return sum(x[0], -1); }, {{3, 4}}, {any}},
    {"sum_axis_0_keep_dim", [](const Inputs& x) { return sum(x[0], 0, true); }, {{3, 4}}, {any}},
    {"sum_axis_1_keep_dim", [](const Inputs& x) { return sum(x[0], 1, true); }, {{3, 4}}, {any}},
    {"sum_axis_minus_1_keep_dim", [](const Inputs& x) { return sum(x[0], -1, true); }, {{3, 4}}, {any}},
    {"sum_1d_axis_0", [](const Inputs& x) { return sum(x[0], 0); }, {{5}}, {any}},
    {"sum_3d_axis_0", [](const Inputs& x) { return sum(x[0], 0); }, {{2, 3, 4}}, {any}},
    {"sum_3d_axis_1_keep_dim", [](const Inputs& x) { return sum(x[0], 1, true); }, {{2, 3, 4}}, {any}},
    {"sum_3d_axis_minus_1", [](const Inputs& x) { return sum(x[0], -1); }, {{2, 3, 4}}, {any}},
    {"mean_all_2d", [](const Inputs& x) { return mean(x[0]); }, {{3, 4}}, {any}},
    {"mean_all_3d", [](const Inputs& x) { return mean(x[0]); }, {{2, 3, 4}}, {any}},
    {"mean_axis_0", [](const Inputs& x) { return mean(x[0], 0); }, {{3, 4}}, {any}},
    {"mean_axis_1", [](const Inputs& x) { return mean(x[0], 1); }, {{3, 4}}, {any}},
    {"mean_axis_minus_1", [](const Inputs& x) { return mean(x[0], -1); }, {{3, 4}}, {any}},
    {"mean_axis_0_keep_dim", [](const Inputs& x) { return mean(x[0], 0, true); }, {{3, 4}}, {any}},
    {"mean_axis_1_keep_dim", [](const Inputs& x) { return mean(x[0], 1, true); }, {{3, 4}}, {any}},
    {"mean_axis_minus_1_keep_dim", [](const Inputs& x) { return mean(x[0], -1, true); }, {{3, 4}}, {any}},
    {"mean_3d_axis_0", [](const Inputs& x) { return mean(x[0], 0); }, {{2, 3, 4}}, {any}},
    {"mean_3d_axis_1_keep_dim", [](const Inputs& x) { return mean(x[0], 1, true); }, {{2, 3, 4}}, {any}},
    {"mean_3d_axis_minus_1", [](const Inputs& x) { return mean(x[0], -1); }, {{2, 3, 4}}, {any}},
    // --- explicit broadcasting and its adjoint ---
    {"broadcast_to_rows", [](const Inputs& x) { return broadcast_to(x[0], {4, 3}); }, {{3}}, {any}},
    {"broadcast_to_columns", [](const Inputs& x) { return broadcast_to(x[0], {4, 3}); }, {{4, 1}}, {any}},
    {"broadcast_to_from_scalar", [](const Inputs& x) { return broadcast_to(x[0], {2, 3}); }, {{}}, {any}},
    {"broadcast_to_3d", [](const Inputs& x) { return broadcast_to(x[0], {2, 4, 3}); }, {{2, 1, 3}}, {any}},
    {"broadcast_to_same_shape", [](const Inputs& x) { return broadcast_to(x[0], {2, 3}); }, {{2, 3}}, {any}},
    {"sum_to_row", [](const Inputs& x) { return sum_to(x[0], {3}); }, {{4, 3}}, {any}},
    {"sum_to_column", [](const Inputs& x) { return sum_to(x[0], {4, 1}); }, {{4, 3}}, {any}},
    {"sum_to_scalar", [](const Inputs& x) { return sum_to(x[0], {}); }, {{4, 3}}, {any}},
    {"sum_to_3d", [](const Inputs& x) { return sum_to(x[0], {3, 1}); }, {{2, 3, 4}}, {any}},
    {"sum_to_middle_kept", [](const Inputs& x) { return sum_to(x[0], {2, 1, 4}); }, {{2, 3, 4}}, {any}},
    // --- activations ---
    {"step", [](const Inputs& x) { return step(x[0]); }, {{3, 4}}, {away_from_zero}},
    {"sigmoid", [](const Inputs& x) { return sigmoid(x[0]); }, {{3, 4}}, {any}},
    {"sigmoid_saturated", [](const Inputs& x) { return sigmoid(x[0]); }, {{3, 4}}, {large}},
    {"sigmoid_scalar", [](const Inputs& x) { return sigmoid(x[0]); }, {{}}, {any}},
    {"tanh", [](const Inputs& x) { return tanh(x[0]); }, {{3, 4}}, {any}},
    {"tanh_3d", [](const Inputs& x) { return tanh(x[0]); }, {{2, 3, 2}}, {any}},
    {"relu", [](const Inputs& x) { return relu(x[0]); }, {{3, 4}}, {away_from_zero}},
    {"leaky_relu", [](const Inputs& x) { return leaky_relu(x[0]); }, {{3, 4}}, {away_from_zero}},
    {"leaky_relu_slope_0_2", [](const Inputs& x) { return leaky_relu(x[0], 0.2f); }, {{3, 4}}, {away_from_zero}},
    {"identity", [](const Inputs& x) { return identity(x[0]); }, {{3, 4}}, {any}},
    {"softplus", [](const Inputs& x) { return softplus(x[0]); }, {{3, 4}}, {any}},
    {"softplus_large_magnitude", [](const Inputs& x) { return softplus(x[0]); }, {{3, 4}}, {large}},
    {"gelu", [](const Inputs& x) { return activate("gelu", x[0]); }, {{3, 4}}, {any}},
    {"silu", [](const Inputs& x) { return activate("silu", x[0]); }, {{3, 4}}, {any}},
    // --- softmax ---
    {"softmax_last_axis", [](const Inputs& x) { return softmax(x[0], -1); }, {{3, 5}}, {any}},
    {"softmax_axis_0", [](const Inputs& x) { return softmax(x[0], 0); }, {{3, 5}}, {any}},
    {"softmax_3d_axis_1", [](const Inputs& x) { return softmax(x[0], 1); }, {{2, 3, 4}}, {any}},
    {"softmax_1d", [](const Inputs& x) { return softmax(x[0]); }, {{6}}, {any}},
    {"log_softmax_last_axis", [](const Inputs& x) { return log_softmax(x[0], -1); }, {{3, 5}}, {any}},
    {"log_softmax_axis_0", [](const Inputs& x) { return log_softmax(x[0], 0); }, {{3, 5}}, {any}},
    {"log_softmax_3d_axis_1", [](const Inputs& x) { return log_softmax(x[0], 1); }, {{2, 3, 4}}, {any}},
    {"log_softmax_1d", [](const Inputs& x) { return log_softmax(x[0]); }, {{6}}, {any}},
    // --- losses ---
    {"squared_error", [](const Inputs& x) { return squared_error(x[0], x[1]); }, {{4, 3}, {4, 3}}, {any}},
    {"squared_error_vector", [](const Inputs& x) { return squared_error(x[0], x[1]); }, {{5}, {5}}, {any}},
    {"binary_cross_entropy", [](const Inputs& x) { return binary_cross_entropy(x[0], x[1]); }, {{4, 3}, {4, 3}}, {probability, unit}},
    {"binary_cross_entropy_with_logits", [](const Inputs& x) { return binary_cross_entropy_with_logits(x[0], x[1]); }, {{4, 3}, {4, 3}}, {any, unit}},
    {"binary_cross_entropy_with_large_logits", [](const Inputs& x) { return binary_cross_entropy_with_logits(x[0], x[1]); }, {{4, 3}, {4, 3}}, {large, unit}},
    {"softmax_cross_entropy", [](const Inputs& x) { return softmax_cross_entropy(x[0], labels_4); }, {{4, 3}}, {any}},
    {"softmax_cross_entropy_tensor_labels", [](const Inputs& x) { return softmax_cross_entropy(x[0], tensor({4, 0, 2})); }, {{3, 5}}, {any}},
    // --- fan-out: a value used more than once ---
    {"fan_out_mul_self", [](const Inputs& x) { return mul(x[0], x[0]); }, {{3, 4}}, {any}},
    {"fan_out_add_sigmoid", [](const Inputs& x) { return add(x[0], sigmoid(x[0])); }, {{3, 4}}, {any}},
    {"fan_out_matmul_transpose", [](const Inputs& x) { return matmul(x[0], transpose(x[0])); }, {{3, 4}}, {any}},
    {"fan_out_rational", [](const Inputs& x) { return x[0] / (x[0] * x[0] + 1.0f); }, {{3, 4}}, {any}},
    {"fan_out_softmax_weighted", [](const Inputs& x) { return sum(softmax(x[0]) * x[0], -1); }, {{3, 4}}, {any}},
    {"fan_out_broadcast_and_direct", [](const Inputs& x) { return mul(x[1], x[0]) + x[0]; }, {{3}, {4, 3}}, {any}},
    // --- small networks ---
    {"layer_sigmoid", [](const Inputs& x) { return sigmoid(matmul(x[0], x[1]) + x[2]); }, {{4, 3}, {3, 2}, {2}}, {any}},
    {"two_layer_classifier", [](const Inputs& x) { return softmax_cross_entropy(matmul(tanh(matmul(x[0], x[1]) + x[2]), x[3]), labels_4); }, {{4, 3}, {3, 5}, {5}, {5, 3}}, {any}},
};
// clang-format on

// Each case is its own test, named after its entry.
template <class Case>
std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

Tensor draw(const Shape& shape, const Domain& domain, Generator& generator) {
  Tensor values = uniform(shape, domain.low, domain.high, generator);
  if (domain.random_sign) {
    for (int64_t i = 0; i < values.numel(); ++i) {
      if (generator.uniform() < 0.5f) values.data()[i] = -values.data()[i];
    }
  }
  return values;
}

class OpGradientTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpGradientTest, MatchesFiniteDifferences) {
  const OpCase& op_case = GetParam();
  ASSERT_TRUE(op_case.domains.size() == 1 || op_case.domains.size() == op_case.shapes.size())
      << "give one domain, or one per input";
  Generator generator(2024);
  Inputs inputs;
  for (size_t i = 0; i < op_case.shapes.size(); ++i) {
    const Domain& domain = op_case.domains.size() == 1 ? op_case.domains[0] : op_case.domains[i];
    inputs.push_back(draw(op_case.shapes[i], domain, generator));
  }
  Tensor weights;
  {
    NoGradGuard no_grad;
    const Tensor output = op_case.op(inputs);
    for (float value : output.to_vector()) ASSERT_TRUE(std::isfinite(value)) << output;
    weights = uniform(output.shape(), -1.5f, 1.5f, generator);
  }
  const auto weighted_sum = [&](const Inputs& x) { return sum(mul(op_case.op(x), weights)); };
  const GradCheckReport report = check_gradients(weighted_sum, inputs);
  EXPECT_TRUE(report.passed) << report.to_string();
  EXPECT_EQ(report.inputs.size(), inputs.size());
}

INSTANTIATE_TEST_SUITE_P(Ops, OpGradientTest, ::testing::ValuesIn(op_cases), case_name<OpCase>);

// step's derivative is exactly 0 (the gradient check above only shows it is near 0).
TEST(OpGradientExactTest, StepPassesNoGradient) {
  Tensor x = tensor({-2.0f, -0.5f, 0.0f, 0.5f, 3.0f});
  x.set_requires_grad();
  soma::backward(sum(step(x) * 5.0f));
  ASSERT_TRUE(x.grad().defined());
  for (float g : x.grad().to_vector()) EXPECT_EQ(g, 0.0f);
}

// pow(x, 0) is constant: its derivative is 0 even at x = 0, where c x^(c-1) would be nan.
TEST(OpGradientExactTest, PowZeroHasZeroGradientAtZero) {
  Tensor x = tensor({0.0f, 2.0f});
  x.set_requires_grad();
  soma::backward(sum(pow(x, 0.0f)));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0.0f, 0.0f}));
}

// --- forward values, worked out by hand ---

struct ValueCase {
  std::string name;
  std::function<Tensor()> compute;
  Shape shape;
  std::vector<float> expected;
};

void PrintTo(const ValueCase& value_case, std::ostream* out) {
  *out << value_case.name;
}

// Small inputs: a (2x3) matrix, a row (3) and a column (2x1).
Tensor a23() {
  return tensor({{1, 2, 3}, {4, 5, 6}});
}
Tensor row3() {
  return tensor({10, 20, 30});
}
Tensor column2() {
  return from_values({2, 1}, {1, 2});
}
const float ln2 = std::log(2.0f);
const float ln3 = std::log(3.0f);

// clang-format off
const std::vector<ValueCase> value_cases = {
    {"add_bias_row", [] { return add(a23(), row3()); }, {2, 3}, {11, 22, 33, 14, 25, 36}},
    {"add_column", [] { return add(a23(), column2()); }, {2, 3}, {2, 3, 4, 6, 7, 8}},
    {"add_scalar", [] { return add(scalar(1), a23()); }, {2, 3}, {2, 3, 4, 5, 6, 7}},
    {"add_3d", [] { return add(reshape(arange(0, 4), {2, 1, 2}), from_values({3, 1}, {0, 10, 20})); }, {2, 3, 2}, {0, 1, 10, 11, 20, 21, 2, 3, 12, 13, 22, 23}},
    {"sub_row_from_matrix", [] { return sub(row3(), a23()); }, {2, 3}, {9, 18, 27, 6, 15, 24}},
    {"mul_column", [] { return mul(a23(), column2()); }, {2, 3}, {1, 2, 3, 8, 10, 12}},
    {"div_column", [] { return div(a23(), column2()); }, {2, 3}, {1, 2, 3, 2, 2.5f, 3}},
    {"neg", [] { return neg(tensor({1, -2})); }, {2}, {-1, 2}},
    {"pow_2", [] { return pow(tensor({-3, 0.5f}), 2.0f); }, {2}, {9, 0.25f}},
    {"pow_half", [] { return pow(tensor({4, 9}), 0.5f); }, {2}, {2, 3}},
    {"pow_minus_1", [] { return pow(tensor({2, 4}), -1.0f); }, {2}, {0.5f, 0.25f}},
    {"pow_tensor", [] { return pow(tensor({2, 3}), tensor({3, 2})); }, {2}, {8, 9}},
    {"square", [] { return square(tensor({-3, 1.5f})); }, {2}, {9, 2.25f}},
    {"exp", [] { return exp(tensor({0, 1})); }, {2}, {1, 2.7182818f}},
    {"log", [] { return log(tensor({1, 2.7182818f})); }, {2}, {0, 1}},
    {"sqrt", [] { return sqrt(tensor({4, 2.25f})); }, {2}, {2, 1.5f}},
    {"abs", [] { return abs(tensor({-2, 0, 3})); }, {3}, {2, 0, 3}},
    {"matmul_2x2", [] { return matmul(tensor({{1, 2}, {3, 4}}), tensor({{5, 6}, {7, 8}})); }, {2, 2}, {19, 22, 43, 50}},
    {"matmul_row_by_column", [] { return matmul(tensor({{1, 2, 3}}), from_values({3, 1}, {4, 5, 6})); }, {1, 1}, {32}},
    {"linear_2x2_bias", [] { return linear(tensor({{1, 2}, {3, 4}}), tensor({{5, 6}, {7, 8}}), tensor(std::vector<float>{10, 20})); }, {2, 2}, {29, 42, 53, 70}},
    {"transpose_2d", [] { return transpose(a23()); }, {3, 2}, {1, 4, 2, 5, 3, 6}},
    {"transpose_3d_dims_0_2", [] { return transpose(reshape(arange(0, 6), {1, 2, 3}), 0, 2); }, {3, 2, 1}, {0, 3, 1, 4, 2, 5}},
    {"reshape_infer", [] { return reshape(a23(), {-1, 2}); }, {3, 2}, {1, 2, 3, 4, 5, 6}},
    {"sum_all", [] { return sum(a23()); }, {}, {21}},
    {"sum_axis_0", [] { return sum(a23(), 0); }, {3}, {5, 7, 9}},
    {"sum_axis_minus_1_keep_dim", [] { return sum(a23(), -1, true); }, {2, 1}, {6, 15}},
    {"sum_3d_axis_1", [] { return sum(reshape(arange(0, 24), {2, 3, 4}), 1); }, {2, 4}, {12, 15, 18, 21, 48, 51, 54, 57}},
    {"mean_all", [] { return mean(a23()); }, {}, {3.5f}},
    {"mean_axis_0", [] { return mean(a23(), 0); }, {3}, {2.5f, 3.5f, 4.5f}},
    {"mean_axis_1_keep_dim", [] { return mean(a23(), 1, true); }, {2, 1}, {2, 5}},
    {"broadcast_to_rows", [] { return broadcast_to(row3(), {2, 3}); }, {2, 3}, {10, 20, 30, 10, 20, 30}},
    {"broadcast_to_columns", [] { return broadcast_to(column2(), {2, 3}); }, {2, 3}, {1, 1, 1, 2, 2, 2}},
    {"sum_to_row", [] { return sum_to(a23(), {3}); }, {3}, {5, 7, 9}},
    {"sum_to_column", [] { return sum_to(a23(), {2, 1}); }, {2, 1}, {6, 15}},
    {"sum_to_scalar", [] { return sum_to(a23(), {}); }, {}, {21}},
    {"step", [] { return step(tensor({-1, 0, 2})); }, {3}, {0, 1, 1}},
    // sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4; far out it saturates without overflow.
    {"sigmoid", [] { return sigmoid(tensor({0, ln3, 100, -100})); }, {4}, {0.5f, 0.75f, 1, 0}},
    // tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5.
    {"tanh", [] { return tanh(tensor({0, ln2, -ln2})); }, {3}, {0, 0.6f, -0.6f}},
    {"relu", [] { return relu(tensor({-1, 0, 2})); }, {3}, {0, 0, 2}},
    {"leaky_relu", [] { return leaky_relu(tensor({-2, 3})); }, {2}, {-0.02f, 3}},
    {"leaky_relu_slope_0_1", [] { return leaky_relu(tensor({-2, 3}), 0.1f); }, {2}, {-0.2f, 3}},
    {"identity", [] { return identity(tensor({1, -2})); }, {2}, {1, -2}},
    // softplus(ln 3) = log(1 + 3) = 2 ln 2; softplus(100) = 100 without overflow.
    {"softplus", [] { return softplus(tensor({0, ln3, 100, -100})); }, {4}, {ln2, 2 * ln2, 100, 0}},
    // softmax(0, ln 3) = (1, 3) / 4; softmax(1000, 1001) = (1, e) / (1 + e), without overflow.
    {"softmax", [] { return softmax(tensor({{0, ln3}, {1000, 1001}})); }, {2, 2}, {0.25f, 0.75f, 0.26894142f, 0.73105858f}},
    {"softmax_axis_0", [] { return softmax(tensor({{0, 0}, {ln3, 0}}), 0); }, {2, 2}, {0.25f, 0.5f, 0.75f, 0.5f}},
    {"log_softmax", [] { return log_softmax(tensor({0, ln3})); }, {2}, {std::log(0.25f), std::log(0.75f)}},
    // ((1-1)^2 + (2-0)^2 + (3-0)^2) / 3.
    {"squared_error", [] { return squared_error(tensor({1, 2, 3}), tensor({1, 0, 0})); }, {}, {13.0f / 3.0f}},
    // -(log 0.5 + log(1 - 0.8)) / 2.
    {"binary_cross_entropy", [] { return binary_cross_entropy(tensor({0.5f, 0.8f}), tensor({1, 0})); }, {}, {-(std::log(0.5f) + std::log(0.2f)) / 2}},
    // p = 0 against t = 1 is clamped to 1e-7: -log(1e-7), large but finite.
    {"binary_cross_entropy_clamped", [] { return binary_cross_entropy(tensor({0}), tensor({1})); }, {}, {16.118095f}},
    // z = 0, t = 1: log 2; z = ln 3, t = 0: ln 3 + log(1 + 1/3) = ln 4.
    {"binary_cross_entropy_with_logits", [] { return binary_cross_entropy_with_logits(tensor({0, ln3}), tensor({1, 0})); }, {}, {1.5f * ln2}},
    // Row 0: -log softmax(0, ln 3)[1] = -log 0.75; row 1: -log softmax(0, 0)[0] = log 2.
    {"softmax_cross_entropy", [] { return softmax_cross_entropy(tensor({{0, ln3}, {0, 0}}), std::vector<int64_t>{1, 0}); }, {}, {(-std::log(0.75f) + ln2) / 2}},
};
// clang-format on

class OpValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(OpValueTest, MatchesTheHandComputedValue) {
  const ValueCase& value_case = GetParam();
  const Tensor result = value_case.compute();
  ASSERT_EQ(result.shape(), value_case.shape) << result.shape().to_string();
  ASSERT_EQ(result.numel(), static_cast<int64_t>(value_case.expected.size()));
  for (size_t i = 0; i < value_case.expected.size(); ++i) {
    const float expected = value_case.expected[i];
    EXPECT_NEAR(result.data()[i], expected, 2e-7f * std::fmax(1.0f, std::fabs(expected)))
        << "element " << i << " of " << result;
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpValueTest, ::testing::ValuesIn(value_cases), case_name<ValueCase>);

}  // namespace

// For tests/ops/activation_test.cpp, which finds each activation's line here.
namespace soma {
std::vector<std::string> op_case_names() {
  std::vector<std::string> names;
  for (const OpCase& op_case : op_cases) names.push_back(op_case.name);
  return names;
}
}  // namespace soma
