// `soma graph --arch 2-3-1 --level neuron|layer|operator --out FILE`: a network drawn at
// one of the lecture's three levels of detail, as DOT, or as PNG/SVG/PDF through Graphviz.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "network_options.hpp"
#include "picture_output.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/viz/network_graph.hpp"

namespace soma::cli {

namespace {

// One node per neuron and one edge per weight: beyond this the DOT text runs to megabytes
// (a 2-16777216-1 network once made 3.5 GB of it), and no layout can show the edges.
constexpr double most_parameters_per_neuron_drawing = 100'000;

std::string count_text(double count) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", count);
  return text;
}

void check_drawable(viz::GraphLevel level, double parameters) {
  if (level == viz::GraphLevel::neuron && parameters > most_parameters_per_neuron_drawing) {
    throw UsageError("--level neuron draws an edge per weight: this network has " +
                     count_text(parameters) + " parameters, more than " +
                     count_text(most_parameters_per_neuron_drawing) +
                     " (use --level layer, or a smaller network)");
  }
}

// The saved model (--model) or the network of --arch with initial weights from --seed.
std::shared_ptr<nn::Sequential> network_to_draw(const ParsedArguments& arguments,
                                                viz::GraphLevel level) {
  check_arch_or_model(arguments);
  if (auto path = arguments.value("--model")) {
    std::shared_ptr<nn::Sequential> network = io::load_trained_model(*path).network;
    check_drawable(level, static_cast<double>(network->parameter_count()));
    return network;
  }
  const std::vector<int64_t> sizes = nn::parse_layer_sizes(*arguments.value("--arch"));
  // Checked before the network exists (build_network refuses one too large to hold).
  check_drawable(level,
                 static_cast<double>(nn::parameter_count(nn::layers_of({.layer_sizes = sizes}))));
  const nn::NetworkSpec spec = read_network_spec(arguments, sizes);
  Generator generator(read_seed(arguments, 0));
  return nn::build_network(spec, generator);
}

}  // namespace

// Each command declares its own options, in the order its --help lists them (the lines look
// alike from command to command); the options several commands share are declared once, in
// network_options.hpp and data_source.hpp.
int run_graph(int argc, const char* const* argv, int first) {
  ArgumentParser parser(
      "soma graph", "soma graph --arch SIZES | --model MODEL --level LEVEL --out FILE",
      "Draws a network at one of three levels of detail: 'neuron' (one node per neuron,\n"
      "edges weighted), 'layer' (one node per array, X W + b and g between them) or\n"
      "'operator' (every scalar operation). FILE.dot is Graphviz text; FILE.png,\n"
      "FILE.svg and FILE.pdf are drawn by Graphviz's dot.\n"
      "Activations: " +
          activation_names() + ".");
  add_network_options(parser, "layer sizes, e.g. 2-3-1", "identity");
  parser.add_option("--seed", "N", "seed of the initial weights (default 0)");
  parser.add_option("--model", "MODEL", "draw a saved model, with its trained weights");
  parser.add_option("--level", "LEVEL", "neuron, layer or operator (default neuron)");
  parser.add_option("--out", "FILE", "FILE.dot, FILE.png, FILE.svg or FILE.pdf");
  const std::optional<ParsedArguments> parsed = parser.parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const auto out = arguments.value("--out");
  if (!out)
    throw UsageError("--out FILE is required (" + picture_extensions(PictureKind::drawing) + ")");
  check_picture_output("--out", *out, PictureKind::drawing);
  const viz::GraphLevel level =
      viz::parse_graph_level(arguments.value("--level").value_or("neuron"));
  write_drawing(*out, viz::network_to_dot(*network_to_draw(arguments, level), level));
  std::printf("wrote %s\n", out->c_str());
  return exit_ok;
}

}  // namespace soma::cli
