// `soma graph --arch 2-3-1 --level neuron|layer|operator --out FILE`: a network drawn at
// one of the lecture's three levels of detail, as DOT, or as SVG/PNG through Graphviz.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "arguments.hpp"
#include "commands.hpp"
#include "graph_sample.hpp"
#include "network_options.hpp"
#include "soma/core/atomic_file.hpp"
#include "soma/core/error.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/viz/network_graph.hpp"

extern char** environ;

namespace soma::cli {

namespace {

// The two ends of a pipe, closed when it goes out of scope; `path` is the picture it is for.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  explicit Pipe(const std::string& path) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      throw Error("cannot write '" + path +
                  "': making a pipe to Graphviz's dot: " + std::strerror(errno));
    }
    read_end = ends[0];
    write_end = ends[1];
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close(read_end);
    close(write_end);
  }
  static void close(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Writing into a pipe whose reader has gone raises SIGPIPE, which would end soma; while
// this lives, such a write fails with EPIPE instead.
class IgnoreBrokenPipes {
 public:
  IgnoreBrokenPipes() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &saved_);
  }
  IgnoreBrokenPipes(const IgnoreBrokenPipes&) = delete;
  IgnoreBrokenPipes& operator=(const IgnoreBrokenPipes&) = delete;
  ~IgnoreBrokenPipes() { ::sigaction(SIGPIPE, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
};

// More than any drawing of a network --level allows; a dot that writes on and on is stopped.
constexpr size_t largest_picture = size_t{1} << 30;
constexpr size_t longest_message = 4096;  // of dot's standard error, for the error line

// Runs Graphviz's `dot -T<format>` with `dot_text` on its standard input and returns the
// picture it writes on its standard output; `path` is only for messages. No file is made
// on the way, so the caller writes the picture with write_file_atomically and every failure
// names the target. dot's three pipes are served together with poll: writing all the text
// first and reading afterwards would deadlock once both pipes fill up (dot may start
// writing, or warning, before it has read everything).
std::string draw_with_graphviz(const std::string& dot_text, const std::string& format,
                               const std::string& path) {
  Pipe input(path);
  Pipe output(path);
  Pipe errors(path);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input.read_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.write_end, STDERR_FILENO);
  // dot gets SIGPIPE's default action back, whatever soma does with it.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  const std::string type = "-T" + format;
  const char* arguments[] = {"dot", type.c_str(), nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawnp(&child, "dot", &actions, &attributes,
                                     const_cast<char* const*>(arguments), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned == ENOENT) {
    throw Error("writing '" + path + "' needs Graphviz's dot (apt-get install graphviz); " +
                "a .dot file needs nothing");
  }
  if (spawned != 0) {
    throw Error("cannot write '" + path + "': running Graphviz's dot: " + std::strerror(spawned));
  }
  Pipe::close(input.read_end);
  Pipe::close(output.write_end);
  Pipe::close(errors.write_end);
  ::fcntl(input.write_end, F_SETFL, ::fcntl(input.write_end, F_GETFL) | O_NONBLOCK);

  const IgnoreBrokenPipes ignore_broken_pipes;
  std::string picture;
  std::string messages;
  size_t sent = 0;
  bool stopped_reading = false;  // dot closed its input before the end of the text
  bool too_large = false;
  if (dot_text.empty()) Pipe::close(input.write_end);
  while (input.write_end >= 0 || output.read_end >= 0 || errors.read_end >= 0) {
    pollfd waiting[3] = {
        {input.write_end, POLLOUT, 0}, {output.read_end, POLLIN, 0}, {errors.read_end, POLLIN, 0}};
    if (::poll(waiting, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (waiting[0].revents != 0) {
      const ssize_t n = ::write(input.write_end, dot_text.data() + sent, dot_text.size() - sent);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 && errno != EINTR && errno != EAGAIN) stopped_reading = true;
      if (sent == dot_text.size() || stopped_reading) Pipe::close(input.write_end);
    }
    char buffer[65536];
    for (int which = 1; which <= 2; ++which) {
      if (waiting[which].revents == 0) continue;
      int& fd = which == 1 ? output.read_end : errors.read_end;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        Pipe::close(fd);
      } else if (which == 2) {
        messages.append(buffer,
                        std::min(static_cast<size_t>(n), longest_message - messages.size()));
      } else if (picture.size() + static_cast<size_t>(n) > largest_picture) {
        too_large = true;
        ::kill(child, SIGKILL);
        Pipe::close(fd);
      } else {
        picture.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  // All closed by now, unless poll failed: closing them lets a blocked dot end.
  Pipe::close(input.write_end);
  Pipe::close(output.read_end);
  Pipe::close(errors.read_end);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string failed = "Graphviz's dot failed to draw '" + path + "'";
  if (too_large) {
    throw Error(failed + ": it wrote more than " + std::to_string(largest_picture >> 20) + " MiB");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // dot's first line of complaint, if it made one, else how it ended.
    std::string reason = messages.substr(0, messages.find('\n'));
    if (reason.empty()) {
      reason = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                   : "exit code " + std::to_string(WEXITSTATUS(status));
    }
    throw Error(failed + ": " + reason);
  }
  if (stopped_reading) throw Error(failed + ": it stopped reading the graph before its end");
  if (picture.empty()) throw Error(failed + ": it wrote nothing");
  std::fputs(messages.c_str(), stderr);  // warnings of a drawing that worked
  return picture;
}

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
      "'operator' (every scalar operation). FILE.dot is Graphviz text; FILE.svg and\n"
      "FILE.png are drawn by Graphviz's dot. The outputs lead to the prediction head and\n"
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
  parser.add_option("--out", "FILE", "FILE.dot, FILE.svg or FILE.png");
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
    throw UsageError("--out FILE is required (.dot, .svg or .png)");
  }
  const std::string extension = out ? std::filesystem::path(*out).extension().string() : "";
  if (out && extension != ".dot" && extension != ".svg" && extension != ".png") {
    throw UsageError("--out: '" + *out + "' should end in .dot, .svg or .png");
  }
  const viz::GraphLevel level =
      viz::parse_graph_level(arguments.value("--level").value_or("neuron"));
  GraphSubject subject = network_to_draw(arguments, level);
  std::optional<train::SampleTrace> trace;
  if (arguments.has("--sample")) trace = trace_of_sample(arguments, subject);
  subject.options.trace = trace ? &*trace : nullptr;
  if (arguments.has("--json")) std::fputs(trace_json(*trace).c_str(), stdout);
  if (!out) return exit_ok;
  const std::string dot = viz::network_to_dot(*subject.network, level, subject.options);
  if (extension == ".dot") {
    write_file_atomically(*out, dot);
  } else {
    write_file_atomically(*out, draw_with_graphviz(dot, extension.substr(1), *out));
  }
  // With --json, standard output holds the one JSON object alone.
  std::fprintf(arguments.has("--json") ? stderr : stdout, "wrote %s\n", out->c_str());
  return exit_ok;
}

}  // namespace soma::cli
