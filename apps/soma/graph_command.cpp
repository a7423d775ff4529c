// `soma graph --arch 2-3-1 --level neuron|layer|operator --out FILE`: a network drawn at
// one of the lecture's three levels of detail, as DOT, or as PNG/SVG/PDF through Graphviz.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "graph_sample.hpp"
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

// The saved model (--model) or the network of --arch with initial weights from --seed,
// its output layer, head and loss as `soma train` would choose them (arch_output).
GraphSubject network_to_draw(const ParsedArguments& arguments, viz::GraphLevel level) {
  check_arch_or_model(arguments);
  if (auto path = arguments.value("--model")) {
    io::TrainedModel model = io::load_trained_model(*path);
    check_drawable(level, static_cast<double>(model.network->parameter_count()));
    return subject_of_model(std::move(model));
  }
  const std::vector<int64_t> sizes = nn::parse_layer_sizes(*arguments.value("--arch"));
  // Checked before the network exists (build_network refuses one too large to hold).
  check_drawable(level,
                 static_cast<double>(nn::parameter_count(nn::layers_of({.layer_sizes = sizes}))));
  nn::NetworkSpec spec = read_network_spec(arguments, sizes);
  const train::OutputChoice output = arch_output(arguments, sizes.back());
  spec.output_activation = output.layer;
  Generator generator(read_seed(arguments, 0));
  return subject_of_arch(nn::build_network(spec, generator), output);
}

}  // namespace

// Each command declares its own options, in the order its --help lists them (the lines look
// alike from command to command); the options several commands share are declared once, in
// network_options.hpp and data_source.hpp.
ArgumentParser graph_parser() {
  ArgumentParser parser(
      "soma graph", "soma graph --arch SIZES | --model MODEL --level LEVEL --out FILE",
      "Draws a network at one of three levels of detail: 'neuron' (one node per neuron,\n"
      "edges weighted), 'layer' (one node per array, X W + b and g between them) or\n"
      "'operator' (every scalar operation). FILE.dot is Graphviz text; FILE.png, FILE.svg\n"
      "and FILE.pdf are drawn by Graphviz's dot. The outputs lead to the prediction head and\n"
      "the loss: a model's own; for --arch as soma train picks them for class labels\n"
      "(1 output: sigmoid and binary cross-entropy on the logit; more: softmax and\n"
      "cross-entropy), or squared error when --output-activation names another activation.\n"
      "With --sample (and --target), every level also shows that sample's forward pass\n"
      "(the value on each edge) and backward pass (d(loss)/d(value) at each node, beside\n"
      "each weight and bias; a value used several times shows each contribution and their\n"
      "sum); --json prints the same numbers as one object: input (the network's inputs,\n"
      "after the model's feature map and scaling), target, output (after the head), loss,\n"
      "nodes [{id, op, inputs, value, grad}] and parameters [{name, shape, value, grad}].\n"
      "Activations: " +
          activation_names() + ".");
  add_network_options(parser, "layer sizes, e.g. 2-3-1", "from the task, see above");
  parser.add_option("--seed", "N", "seed of the initial weights (default 0)");
  parser.add_option("--model", "MODEL", "draw a saved model, with its trained weights");
  parser.add_option("--level", "LEVEL", "neuron, layer or operator (default neuron)");
  parser.add_option("--out", "FILE", "FILE.dot, FILE.png, FILE.svg or FILE.pdf");
  add_sample_options(parser);
  return parser;
}

int run_graph(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      graph_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const auto out = arguments.value("--out");
  check_sample_options(arguments);
  if (!out && !arguments.has("--json")) {
    throw UsageError("--out FILE is required (" + picture_extensions(PictureKind::drawing) + ")");
  }
  if (out) check_picture_output("--out", *out, PictureKind::drawing);
  const viz::GraphLevel level =
      viz::parse_graph_level(arguments.value("--level").value_or("neuron"));
  GraphSubject subject = network_to_draw(arguments, level);
  std::optional<train::SampleTrace> trace;
  if (arguments.has("--sample")) trace = trace_of_sample(arguments, subject);
  subject.options.trace = trace ? &*trace : nullptr;
  if (arguments.has("--json")) std::fputs(trace_json(*trace).c_str(), stdout);
  if (!out) return exit_ok;
  write_drawing(*out, viz::network_to_dot(*subject.network, level, subject.options));
  // With --json, standard output holds the one JSON object alone.
  std::fprintf(arguments.has("--json") ? stderr : stdout, "wrote %s\n", out->c_str());
  return exit_ok;
}

}  // namespace soma::cli
