// Progress: formats epochs as a bar that fits the terminal, or as spaced lines.
#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace soma::cli {

namespace {

// `value` with `digits` decimals: the losses and metrics with 4, as they always printed.
std::string fixed(double value, int digits = 4) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// 42s, 3m05s, 2h07m: an ETA stays short however long the run.
std::string duration_text(double seconds) {
  const auto whole = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  char text[48];
  if (whole < 60) {
    std::snprintf(text, sizeof text, "%llds", whole);
  } else if (whole < 3600) {
    std::snprintf(text, sizeof text, "%lldm%02llds", whole / 60, whole % 60);
  } else {
    std::snprintf(text, sizeof text, "%lldh%02lldm", whole / 3600, whole / 60 % 60);
  }
  return text;
}

// The metrics after the loss, in the order they are dropped last to first when the
// terminal is narrow: the training metric, the validation loss, the validation metric.
std::vector<std::string> metric_texts(const train::EpochRecord& record, bool classification) {
  const char* metric = classification ? "accuracy" : "rmse";
  const double train_metric = classification ? record.train_accuracy : record.train_rmse;
  std::vector<std::string> texts{std::string(metric) + " " + fixed(train_metric)};
  if (!std::isnan(record.validation_loss)) {
    const double validation_metric =
        classification ? record.validation_accuracy : record.validation_rmse;
    texts.push_back("val_loss " + fixed(record.validation_loss));
    texts.push_back("val_" + std::string(metric) + " " + fixed(validation_metric));
  }
  return texts;
}

}  // namespace

int terminal_columns(FILE* stream) {
  winsize size{};
  if (::ioctl(::fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0 && value <= 10'000)
      return static_cast<int>(value);
  }
  return 80;
}

int read_log_every(const ParsedArguments& arguments, int epochs) {
  if (auto text = arguments.value("--log-every"))
    return static_cast<int>(parse_integer("--log-every", *text, 1, 1'000'000));
  return std::max(1, (epochs + 9) / 10);
}

Progress::Progress(Style style, int total_epochs, bool classification, int log_every, FILE* out,
                   int columns)
    : style_(style),
      total_epochs_(total_epochs),
      classification_(classification),
      log_every_(std::max(log_every, 1)),
      out_(out),
      columns_(columns > 0 ? columns : terminal_columns(out)) {}

Progress::Style Progress::style_for(FILE* stream) {
  return ::isatty(::fileno(stream)) ? Style::bar : Style::lines;
}

std::string Progress::line_text(const train::EpochRecord& record) const {
  std::string text =
      "epoch " +
      std::string(std::to_string(total_epochs_).size() - std::to_string(record.epoch).size(), ' ') +
      std::to_string(record.epoch) + "/" + std::to_string(total_epochs_) + "  loss " +
      fixed(record.train_loss);
  for (const std::string& metric : metric_texts(record, classification_)) text += "  " + metric;
  return text;
}

// Epoch, loss, rate and ETA always; then a bar of at least 10 characters if there is room;
// then the metrics while they fit; then the bar grows, up to 30. What still does not fit
// (a terminal narrower than the essentials) is cut at the last column.
std::string Progress::bar_text(const train::EpochRecord& record, double elapsed) const {
  const double rate = record.epoch / std::max(elapsed, 1e-9);
  const double remaining = (total_epochs_ - record.epoch) / std::max(rate, 1e-9);
  const std::string epochs = std::to_string(record.epoch) + "/" + std::to_string(total_epochs_);
  const std::string timing =
      fixed(rate, rate >= 100.0 ? 0 : 1) + " epochs/s  ETA " + duration_text(remaining);
  const auto width = static_cast<size_t>(std::max(columns_ - 1, 1));
  constexpr size_t shortest_bar = 10;
  constexpr size_t longest_bar = 30;
  constexpr size_t bar_frame = 3;  // "[" before, "] " after
  std::string text = epochs + "  loss " + fixed(record.train_loss) + "  " + timing;
  const bool with_bar = text.size() + bar_frame + shortest_bar <= width;
  const size_t room = with_bar ? width - bar_frame - shortest_bar : width;
  std::string metrics;
  for (const std::string& metric : metric_texts(record, classification_)) {
    if (text.size() + metrics.size() + 2 + metric.size() > room) break;
    metrics += "  " + metric;
  }
  text.insert(text.size() - timing.size() - 2, metrics);
  if (with_bar) {
    const size_t bar_width = std::min(longest_bar, width - text.size() - bar_frame);
    const size_t filled = bar_width * static_cast<size_t>(record.epoch) /
                          static_cast<size_t>(std::max(total_epochs_, 1));
    std::string bar(filled, '=');
    if (filled < bar_width) bar += '>';
    bar.resize(bar_width, ' ');
    text = "[" + bar + "] " + text;
  }
  if (text.size() > width) text.resize(width);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

void Progress::epoch_done(const train::EpochRecord& record) {
  if (style_ == Style::quiet) return;
  last_ = record;
  if (style_ == Style::lines) {
    last_printed_ = record.epoch == 1 || record.epoch % log_every_ == 0;
    if (last_printed_) {
      std::fprintf(out_, "%s\n", line_text(record).c_str());
      std::fflush(out_);
    }
    return;
  }
  // The bar is redrawn in place with \r (and the rest of the line cleared); its rate and
  // ETA come from the wall time so far.
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::fprintf(out_, "\r%s\033[K", bar_text(record, elapsed).c_str());
  std::fflush(out_);
  bar_drawn_ = true;
}

void Progress::finish() {
  if (bar_drawn_) std::fprintf(out_, "\n");
  bar_drawn_ = false;
  if (style_ == Style::lines && !last_printed_) {
    std::fprintf(out_, "%s\n", line_text(last_).c_str());
    last_printed_ = true;
  }
  std::fflush(out_);
}

}  // namespace soma::cli
