// Tests of loss selection: names, target preparation for each loss, and class predictions.
#include "soma/train/loss_kind.hpp"

#include "soma/core/error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace soma::train {
namespace {

TEST(LossKind, NamesAndAliases) {
  EXPECT_EQ(parse_loss("mse"), LossKind::squared_error);
  EXPECT_EQ(parse_loss("bce"), LossKind::binary_cross_entropy);
  EXPECT_EQ(parse_loss("bce_with_logits"), LossKind::binary_cross_entropy_with_logits);
  EXPECT_EQ(parse_loss("cross_entropy"), LossKind::softmax_cross_entropy);
  for (LossKind kind :
       {LossKind::squared_error, LossKind::binary_cross_entropy,
        LossKind::binary_cross_entropy_with_logits, LossKind::softmax_cross_entropy}) {
    EXPECT_EQ(parse_loss(loss_name(kind)), kind);
  }
  EXPECT_THAT([] { parse_loss("hinge"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("unknown loss 'hinge'")));
}

TEST(LossKind, PreparesTargetsForEachLoss) {
  const data::Dataset three_classes{zeros({3, 2}), tensor({2, 0, 1}), 3, {}};
  EXPECT_EQ(prepare_targets(LossKind::softmax_cross_entropy, three_classes, 3).to_vector(),
            (std::vector<float>{2, 0, 1}));
  const Tensor one_hot = prepare_targets(LossKind::squared_error, three_classes, 3);
  EXPECT_EQ(one_hot.shape(), (Shape{3, 3}));
  EXPECT_EQ(one_hot.to_vector(), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0}));

  const data::Dataset two_classes{zeros({2, 2}), tensor({1, 0}), 2, {}};
  const Tensor column = prepare_targets(LossKind::binary_cross_entropy, two_classes, 1);
  EXPECT_EQ(column.shape(), (Shape{2, 1}));
  EXPECT_EQ(column.to_vector(), (std::vector<float>{1, 0}));

  const data::Dataset regression{zeros({2, 1}), from_values({2, 1}, {0.5f, 1.5f}), 0, {}};
  EXPECT_EQ(prepare_targets(LossKind::squared_error, regression, 1).to_vector(),
            (std::vector<float>{0.5f, 1.5f}));
  EXPECT_THAT([&] { prepare_targets(LossKind::binary_cross_entropy, regression, 1); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("needs class labels")));
  EXPECT_THAT([&] { prepare_targets(LossKind::softmax_cross_entropy, three_classes, 2); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "cross_entropy needs one output per class: the data has 3 classes, the "
                  "model 2 outputs")));
}

TEST(LossKind, PredictedClasses) {
  const Tensor logits = from_values({3, 1}, {-0.1f, 0.0f, 2.0f});
  EXPECT_EQ(predicted_classes(LossKind::binary_cross_entropy_with_logits, logits),
            (std::vector<int64_t>{0, 1, 1}));
  const Tensor probabilities = from_values({3, 1}, {0.49f, 0.5f, 0.9f});
  EXPECT_EQ(predicted_classes(LossKind::binary_cross_entropy, probabilities),
            (std::vector<int64_t>{0, 1, 1}));
  const Tensor scores = tensor({{0.1f, 0.7f, 0.2f}, {3.0f, -1.0f, 2.0f}});
  EXPECT_EQ(predicted_classes(LossKind::softmax_cross_entropy, scores),
            (std::vector<int64_t>{1, 0}));
}

TEST(LossKind, TheTaskChoosesTheOutputActivationAndLoss) {
  using nn::ActivationKind;
  const auto two_classes_one_output = output_for_task(true, 2, 1, 1);
  ASSERT_TRUE(two_classes_one_output.has_value());
  EXPECT_EQ(two_classes_one_output->activation, ActivationKind::sigmoid);
  EXPECT_EQ(two_classes_one_output->loss, LossKind::binary_cross_entropy);
  const auto output_per_class = output_for_task(true, 3, 1, 3);
  ASSERT_TRUE(output_per_class.has_value());
  EXPECT_EQ(output_per_class->activation, ActivationKind::softmax);
  EXPECT_EQ(output_per_class->loss, LossKind::softmax_cross_entropy);
  const auto regression = output_for_task(false, 0, 2, 2);
  ASSERT_TRUE(regression.has_value());
  EXPECT_EQ(regression->activation, ActivationKind::identity);
  EXPECT_EQ(regression->loss, LossKind::squared_error);
  EXPECT_FALSE(output_for_task(true, 3, 1, 1).has_value());   // 1 output, 3 classes
  EXPECT_FALSE(output_for_task(true, 2, 1, 3).has_value());   // 3 outputs, 2 classes
  EXPECT_FALSE(output_for_task(false, 0, 2, 1).has_value());  // 1 output, 2 targets
}

TEST(LossKind, SigmoidAndSoftmaxWithTheirLossesTrainOnLogits) {
  using nn::ActivationKind;
  const auto sigmoid = output_choice(ActivationKind::sigmoid, LossKind::binary_cross_entropy);
  ASSERT_TRUE(sigmoid.has_value());
  EXPECT_EQ(sigmoid->layer, ActivationKind::identity);
  EXPECT_EQ(sigmoid->head, ActivationKind::sigmoid);
  EXPECT_EQ(sigmoid->loss, LossKind::binary_cross_entropy_with_logits);
  const auto softmax = output_choice(ActivationKind::softmax, LossKind::softmax_cross_entropy);
  ASSERT_TRUE(softmax.has_value());
  EXPECT_EQ(softmax->layer, ActivationKind::identity);
  EXPECT_EQ(softmax->head, ActivationKind::softmax);
  EXPECT_EQ(softmax->loss, LossKind::softmax_cross_entropy);
  // A loss on raw outputs takes its head; after another activation it is refused.
  const auto logits =
      output_choice(ActivationKind::identity, LossKind::binary_cross_entropy_with_logits);
  ASSERT_TRUE(logits.has_value());
  EXPECT_EQ(logits->head, ActivationKind::sigmoid);
  EXPECT_EQ(output_choice(ActivationKind::identity, LossKind::softmax_cross_entropy)->head,
            ActivationKind::softmax);
  EXPECT_FALSE(output_choice(ActivationKind::tanh, LossKind::softmax_cross_entropy).has_value());
  EXPECT_FALSE(output_choice(ActivationKind::sigmoid, LossKind::binary_cross_entropy_with_logits)
                   .has_value());
  // Anything else is a real last layer with no head.
  const auto tanh_mse = output_choice(ActivationKind::tanh, LossKind::squared_error);
  ASSERT_TRUE(tanh_mse.has_value());
  EXPECT_EQ(tanh_mse->layer, ActivationKind::tanh);
  EXPECT_EQ(tanh_mse->head, ActivationKind::identity);
  EXPECT_EQ(tanh_mse->loss, LossKind::squared_error);
}

}  // namespace
}  // namespace soma::train
