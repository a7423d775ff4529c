// End-to-end tests of `soma graph --sample`: the JSON trace, the refusals of a bad sample or
// target (exit code 2, naming the option), neurons in order in the rendered SVG, and every
// level rendered by Graphviz without a warning.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_command.hpp"

namespace soma::testing {
namespace {

const std::string arch = "graph --arch 2-3-1 --activation tanh --sample x1=0.5,x2=-1";

// The first y coordinate of node `id`'s shape in Graphviz's SVG (the element after its
// <title>): an ellipse's cy, else the second number of a polygon's points or a path's d;
// NaN when there is none. (Plain string search: std::regex warns under GCC 12's sanitizers.)
double node_y(const std::string& svg, const std::string& id) {
  const std::string title = "<title>" + id + "</title>";
  const size_t at = svg.find(title);
  if (at == std::string::npos) return std::nan("");
  const size_t open = svg.find('<', at + title.size());
  const std::string tag = svg.substr(open, svg.find('>', open) - open);
  if (const size_t cy = tag.find("cy=\""); cy != std::string::npos) {
    return std::stod(tag.substr(cy + 4));
  }
  for (const char* key : {"points=\"", "d=\"M"}) {
    if (const size_t start = tag.find(key); start != std::string::npos) {
      return std::stod(tag.substr(tag.find(',', start) + 1));
    }
  }
  return std::nan("");
}

TEST(GraphSample, JsonHasTheIssuesKeysAndTheLossOfTheLogit) {
  const CommandResult r = run_soma(arch + " --target 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* key : {"{\"input\": [0.5, -1], \"target\": 1, \"output\": [", "\"loss\": ",
                          "\"nodes\": [{\"id\": \"input\", \"op\": \"input\", \"inputs\": []",
                          "{\"id\": \"0\", \"op\": \"linear\", \"inputs\": [\"input\", "
                          "\"0.weight\", \"0.bias\"]",
                          "{\"id\": \"loss\", \"op\": \"bce_with_logits\", \"inputs\": [\"2\", "
                          "\"target\"]",
                          "\"parameters\": [{\"name\": \"0.weight\", \"shape\": [2, 3]"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  }
  // The loss is -log(p) for class 1, p the output after the sigmoid head.
  const size_t output = r.out.find("\"output\": [");
  const size_t loss = r.out.find("\"loss\": ");
  ASSERT_NE(output, std::string::npos) << r.out;
  ASSERT_NE(loss, std::string::npos) << r.out;
  EXPECT_NEAR(std::stod(r.out.substr(loss + 8)), -std::log(std::stod(r.out.substr(output + 11))),
              1e-5);
}

TEST(GraphSample, BadSamplesAndTargetsNameTheOption) {
  const std::string out = " --json";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"graph --arch 2-3-1 --sample x1=0.5,x3=1" + out,
       "--sample: unknown feature 'x3' (features: x1, x2)"},
      {"graph --arch 2-3-1 --sample x1=0.5" + out,
       "--sample: no value for 'x2' (give every feature: x1, x2)"},
      {"graph --arch 2-3-1 --sample x1=0.5,x2=abc" + out, "--sample x2: 'abc' is not a number"},
      {arch + " --target 2" + out, "--target: '2' is not a class (classes: 0, 1)"},
      {"graph --arch 2-3-1 --output-activation identity --sample x1=0,x2=0 --target a" + out,
       "--target: 'a' is not a number"},
      {"graph --arch 2-3-1 --output-activation identity --sample x1=0,x2=0" + out,
       "--target VALUE is required for a regression network"},
      {"graph --arch 2-3-1 --target 1" + out, "--target needs --sample"},
  };
  for (const auto& [command, message] : cases) {
    SCOPED_TRACE(command);
    const CommandResult r = run_soma(command);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
}

// Graphviz must draw every level, traced or not, without a word on its standard error
// (no "size too small for label"), and keep x1 above x2, h1,1 above h1,2, y1 above y2.
TEST(GraphSample, EveryLevelRendersWithoutWarningsAndInOrder) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "no Graphviz dot";
  const std::string directory = make_temporary_directory();
  for (const std::string level : {"neuron", "layer", "operator"}) {
    for (const std::string sample : {"", " --sample x1=0.5,x2=-1,x3=2 --target 1"}) {
      SCOPED_TRACE(level + sample);
      const std::string dot = directory + "/net.dot";
      const CommandResult r =
          run_soma("graph --arch 3-4-2 --dropout 0.5 --level " + level + sample + " --out " + dot);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const std::string svg = directory + "/net.svg";
      const std::string errors = directory + "/errors.txt";
      ASSERT_EQ(std::system(("dot -Tsvg " + dot + " -o " + svg + " 2>" + errors).c_str()), 0);
      std::ifstream error_file(errors);
      std::stringstream error_text;
      error_text << error_file.rdbuf();
      EXPECT_EQ(error_text.str(), "");
      if (level != "neuron") continue;
      std::ifstream svg_file(svg);
      std::stringstream text;
      text << svg_file.rdbuf();
      const std::string s = text.str();
      for (const auto& [above, below] :
           std::vector<std::pair<std::string, std::string>>{{"n0_0", "n0_1"},
                                                            {"n0_1", "n0_2"},
                                                            {"n1_0", "n1_1"},
                                                            {"n1_2", "n1_3"},
                                                            {"n2_0", "n2_1"}}) {
        const double y_above = node_y(s, above);
        const double y_below = node_y(s, below);
        ASSERT_FALSE(std::isnan(y_above) || std::isnan(y_below)) << s;
        EXPECT_LT(y_above, y_below) << above << " " << below;
      }
    }
  }
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace soma::testing
