// The activation table: its entries are consistent and found by name, every element-wise
// entry has a case in the op table, and GELU and SiLU match PyTorch's formulas.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/tensor.hpp"
#include "support/error_message.hpp"

namespace soma {

// The names of the cases in tests/ops/op_cases.cpp.
std::vector<std::string> op_case_names();

namespace {

TEST(ActivationTable, EntriesAreConsistent) {
  std::set<std::string_view> names;
  for (const ActivationFunction& function : activation_functions()) {
    SCOPED_TRACE(std::string(function.name));
    EXPECT_TRUE(names.insert(function.name).second) << "a second entry of this name";
    if (!function.alias.empty()) {
      EXPECT_TRUE(names.insert(function.alias).second);
    }
    EXPECT_FALSE(function.label.empty());
    // Either the two loops or the whole operation, never both.
    EXPECT_EQ(function.forward != nullptr, function.backward != nullptr);
    EXPECT_NE(function.forward != nullptr, function.apply != nullptr);
    // soma grad gets the element-wise ones: each is computed by the loops.
    if (function.elementwise) {
      EXPECT_NE(function.forward, nullptr);
    }
    EXPECT_EQ(find_activation(function.name), &function);
  }
}

TEST(ActivationTable, FindsNamesAndAliasesAndListsTheValidOnes) {
  EXPECT_EQ(&activation_function("linear"), &activation_function("identity"));
  EXPECT_EQ(activation_function("leaky_relu").default_parameter, 0.01f);
  EXPECT_TRUE(activation_function("leaky_relu").takes_parameter);
  EXPECT_FALSE(activation_function("gelu").takes_parameter);
  EXPECT_FALSE(activation_function("softmax").elementwise);
  EXPECT_EQ(activation_function("silu").label, "SiLU");
  EXPECT_EQ(find_activation("GELU"), nullptr);  // names are lower case; labels are not names
  EXPECT_EQ(find_activation(""), nullptr);
  EXPECT_EQ(activation_names().rfind("step, sigmoid, tanh, relu, leaky_relu, identity", 0), 0u);
  EXPECT_EQ(testing::error_message([] { activation_function("swish"); }),
            "unknown activation 'swish' (valid: " + activation_names() + ")");
}

// Adding an activation is its entry plus one line of the op table, which checks its
// gradient: this test fails until that line is there.
TEST(ActivationTable, EveryElementwiseEntryHasAnOpCase) {
  const std::vector<std::string> cases = op_case_names();
  for (const ActivationFunction& function : activation_functions()) {
    if (!function.elementwise) continue;
    EXPECT_EQ(std::count(cases.begin(), cases.end(), std::string(function.name)), 1)
        << "no line \"" << function.name << "\" in op_cases";
  }
}

// The graph node is named after the entry, as soma grad's rows and the pictures show it.
TEST(ActivationTable, NodesAreNamedAfterTheEntry) {
  Tensor x = tensor({0.5f, -1.0f});
  x.set_requires_grad(true);
  for (const ActivationFunction& function : activation_functions()) {
    EXPECT_STREQ(activate(function, x, function.default_parameter).grad_fn()->name(),
                 std::string(function.name).c_str());
  }
}

struct Reference {
  const char* name;
  float x;
  double value;
  double derivative;
};

// From tests/ops/activation_reference.py: the formulas in double precision, which agree with
// torch.nn.functional.gelu and silu in float64 (PyTorch 1.13).
const Reference references[] = {
    {"gelu", -20.0, -5.5072482372126629e-88, -1.1014360483133464e-86},
    {"gelu", -10.0, -7.6198530241605933e-23, -7.6184000964648135e-22},
    {"gelu", -5.0, -1.4332578593959731e-06, -7.1469460017922947e-06},
    {"gelu", -3.0, -0.004049694094890287, -0.011945647204183927},
    {"gelu", -1.0, -0.15865525393145707, -0.083315470587686291},
    {"gelu", -0.5, -0.15426876936299344, 0.13250487534383712},
    {"gelu", 0.0, 0, 0.5},
    {"gelu", 0.5, 0.34573123063700656, 0.86749512465616285},
    {"gelu", 1.0, 0.84134474606854293, 1.0833154705876864},
    {"gelu", 3.0, 2.9959503059051098, 1.0119456472041839},
    {"gelu", 5.0, 4.99999856674214, 1.0000071469460017},
    {"gelu", 10.0, 10, 1},
    {"gelu", 20.0, 20, 1},
    {"silu", -20.0, -4.1223072363804067e-08, -3.9161918660646779e-08},
    {"silu", -10.0, -0.00045397868702434395, -0.00040856020865708237},
    {"silu", -5.0, -0.033464254621424279, -0.026547432429665924},
    {"silu", -3.0, -0.14227761953270035, -0.088104106015169631},
    {"silu", -1.0, -0.2689414213699951, 0.072329488128513253},
    {"silu", -0.5, -0.18877033439907273, 0.26003881269734824},
    {"silu", 0.0, 0, 0.5},
    {"silu", 0.5, 0.3112296656009273, 0.73996118730265192},
    {"silu", 1.0, 0.7310585786300049, 0.92767051187148686},
    {"silu", 3.0, 2.8577223804673002, 1.0881041060151693},
    {"silu", 5.0, 4.9665357453785761, 1.0265474324296655},
    {"silu", 10.0, 9.9995460213129768, 1.0004085602086568},
    {"silu", 20.0, 19.999999958776925, 1.0000000391619202},
};

TEST(ActivationReference, GeluAndSiluMatchPyTorchsFormulas) {
  for (const Reference& reference : references) {
    SCOPED_TRACE(std::string(reference.name) + " at " + std::to_string(reference.x));
    Tensor x = tensor(std::vector<float>{reference.x});
    x.set_requires_grad(true);
    const Tensor y = activate(reference.name, x);
    backward(sum(y));
    // Relative to the value (float32 keeps 7 digits; soma's are within 5e-7), so that the
    // far left tail, 1e-22 at x = -10, is checked too.
    const auto near = [](double got, double expected) {
      return std::fabs(got - expected) <= 1e-6 * std::fabs(expected) + 1e-30;
    };
    EXPECT_PRED2(near, y.item(), reference.value);
    EXPECT_PRED2(near, x.grad().item(), reference.derivative);
  }
}

}  // namespace
}  // namespace soma
