// `soma graph --arch 2-3-1 --level neuron|layer|operator --out FILE`: a network drawn at
// one of the lecture's three levels of detail, as DOT, or as SVG/PNG through Graphviz.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "arguments.hpp"
#include "commands.hpp"
#include "soma/core/atomic_file.hpp"
#include "soma/core/error.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/viz/network_graph.hpp"

extern char** environ;

namespace soma::cli {

namespace {

// Runs Graphviz's dot on `dot_text`, producing `format` (svg or png) at `path` through a
// temporary file, so a failure leaves no partial picture.
void render_with_graphviz(const std::string& dot_text, const std::string& format,
                          const std::string& path) {
  const std::filesystem::path target(path);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const std::string stem = (directory / (".soma-graph-" + std::to_string(::getpid()))).string();
  const std::string input = stem + ".dot";
  const std::string output = stem + "." + format;
  {
    std::ofstream file(input);
    file << dot_text;
    if (!file) throw Error("cannot write '" + input + "'");
  }
  const std::string type = "-T" + format;
  const char* arguments[] = {"dot", type.c_str(), "-o", output.c_str(), input.c_str(), nullptr};
  pid_t child = 0;
  const int spawned =
      ::posix_spawnp(&child, "dot", nullptr, nullptr, const_cast<char* const*>(arguments), environ);
  int status = 0;
  const bool ran = spawned == 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) &&
                   WEXITSTATUS(status) == 0;
  std::filesystem::remove(input);
  if (!ran) {
    std::filesystem::remove(output);
    throw Error(spawned != 0 ? "writing ." + format +
                                   " needs Graphviz's dot (apt-get install graphviz); "
                                   "a .dot file needs nothing"
                             : "Graphviz's dot failed to draw '" + path + "'");
  }
  std::filesystem::rename(output, path);
}

}  // namespace

int run_graph(int argc, const char* const* argv, int first) {
  ArgumentParser parser(
      "soma graph", "soma graph --arch SIZES | --model MODEL --level LEVEL --out FILE",
      "Draws a network at one of three levels of detail: 'neuron' (one node per neuron,\n"
      "edges weighted), 'layer' (one node per array, X W + b and g between them) or\n"
      "'operator' (every scalar operation). FILE.dot is Graphviz text; FILE.svg and\n"
      "FILE.png are drawn by Graphviz's dot.");
  parser.add_option("--arch", "SIZES", "layer sizes, e.g. 2-3-1");
  parser.add_option("--activation", "NAME", "hidden activation (default relu)");
  parser.add_option("--output-activation", "NAME", "output activation (default identity)");
  parser.add_option("--seed", "N", "seed of the initial weights (default 0)");
  parser.add_option("--model", "MODEL", "draw a saved model, with its trained weights");
  parser.add_option("--level", "LEVEL", "neuron, layer or operator (default neuron)");
  parser.add_option("--out", "FILE", "FILE.dot, FILE.svg or FILE.png");
  const ParsedArguments arguments = parser.parse(argc, argv, first);
  if (arguments.has("--help")) {
    std::fputs(parser.help().c_str(), stdout);
    return exit_ok;
  }
  const auto out = arguments.value("--out");
  if (!out) throw UsageError("--out FILE is required (.dot, .svg or .png)");
  const std::string extension = std::filesystem::path(*out).extension().string();
  if (extension != ".dot" && extension != ".svg" && extension != ".png") {
    throw UsageError("--out: '" + *out + "' should end in .dot, .svg or .png");
  }
  const viz::GraphLevel level =
      viz::parse_graph_level(arguments.value("--level").value_or("neuron"));
  std::shared_ptr<nn::Sequential> network;
  if (auto path = arguments.value("--model")) {
    if (arguments.has("--arch")) throw UsageError("give --arch or --model, not both");
    network = io::load_trained_model(*path).network;
  } else if (auto arch = arguments.value("--arch")) {
    nn::NetworkSpec spec{.layer_sizes = nn::parse_layer_sizes(*arch)};
    if (auto name = arguments.value("--activation"))
      spec.hidden_activation = nn::parse_activation(*name);
    if (auto name = arguments.value("--output-activation")) {
      spec.output_activation = nn::parse_activation(*name);
    }
    Generator generator(static_cast<uint64_t>(
        arguments.has("--seed") ? parse_integer("--seed", *arguments.value("--seed"), 0, INT64_MAX)
                                : 0));
    network = nn::build_network(spec, generator);
  } else {
    throw UsageError("--arch SIZES or --model MODEL is required");
  }
  const std::string dot = viz::network_to_dot(*network, level);
  if (extension == ".dot") {
    write_file_atomically(*out, dot);
  } else {
    render_with_graphviz(dot, extension.substr(1), *out);
  }
  std::printf("wrote %s\n", out->c_str());
  return exit_ok;
}

}  // namespace soma::cli
