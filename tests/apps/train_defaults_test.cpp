// soma train's defaults that depend on other options (apps/soma/train_defaults.hpp): no
// validation part unless --validation-split or --patience asks for one, and the weight
// initialiser chosen by the hidden activation. Runs the built soma.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "run_command.hpp"
#include "train_defaults.hpp"

namespace soma::testing {
namespace {

// The number after "key": in a JSON text (NaN when absent or null).
double json_number(const std::string& json, const std::string& key) {
  const std::string pattern = "\"" + key + "\": ";
  const size_t at = json.find(pattern);
  if (at == std::string::npos) return NAN;
  return std::strtod(json.c_str() + at + pattern.size(), nullptr);
}

// The defaults that follow other options: no validation part unless asked for; He
// initialisation under a ReLU-family hidden activation, Glorot under the others.
TEST(TrainDefaults, FollowTheOtherOptions) {
  const std::string run = "train --data circles --arch 2-8-1 --epochs 3 --json ";
  const CommandResult plain = run_soma(run);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("\"val_loss\": null"), std::string::npos) << plain.out;
  EXPECT_EQ(json_number(plain.out, "train_loss"),
            json_number(run_soma(run + "--init he_uniform").out, "train_loss"));
  EXPECT_NE(json_number(plain.out, "train_loss"),
            json_number(run_soma(run + "--init glorot_uniform").out, "train_loss"));
  const CommandResult tanh = run_soma(run + "--activation tanh");
  EXPECT_EQ(
      json_number(tanh.out, "train_loss"),
      json_number(run_soma(run + "--activation tanh --init glorot_uniform").out, "train_loss"));
  const CommandResult patience = run_soma(run + "--patience 2");
  EXPECT_EQ(json_number(patience.out, "val_loss"),
            json_number(run_soma(run + "--patience 2 --validation-split 0.2").out, "val_loss"));
  EXPECT_EQ(patience.out.find("\"val_loss\": null"), std::string::npos) << patience.out;
}

// The rectifiers are the activation table's: --help names each entry marked so.
TEST(TrainDefaults, TheInitialiserHelpNamesTheTablesRectifiers) {
  EXPECT_EQ(cli::init_help(),
            "weight initialiser (default: he_uniform under relu, leaky_relu, gelu, silu; "
            "glorot_uniform otherwise)");
}

}  // namespace
}  // namespace soma::testing
