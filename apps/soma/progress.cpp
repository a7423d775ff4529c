// Progress: formats epochs as a bar or as lines.
#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <string>

namespace soma::cli {

Progress::Progress(Style style, int total_epochs, bool classification)
    : style_(style), total_epochs_(total_epochs), classification_(classification) {}

Progress::Style Progress::style_for(FILE* stream) {
  return ::isatty(::fileno(stream)) ? Style::bar : Style::lines;
}

std::string Progress::metrics(const train::EpochRecord& record) const {
  char text[160];
  const char* metric = classification_ ? "accuracy" : "rmse";
  const double train_metric = classification_ ? record.train_accuracy : record.train_rmse;
  const double validation_metric =
      classification_ ? record.validation_accuracy : record.validation_rmse;
  int length = std::snprintf(text, sizeof text, "loss %.4f  %s %.4f", record.train_loss, metric,
                             train_metric);
  if (!std::isnan(record.validation_loss) && length > 0) {
    std::snprintf(text + length, sizeof text - static_cast<size_t>(length),
                  "  val_loss %.4f  val_%s %.4f", record.validation_loss, metric,
                  validation_metric);
  }
  return text;
}

void Progress::epoch_done(const train::EpochRecord& record) {
  if (style_ == Style::quiet) return;
  if (style_ == Style::lines) {
    std::printf("epoch %*d/%d  %s\n", static_cast<int>(std::to_string(total_epochs_).size()),
                record.epoch, total_epochs_, metrics(record).c_str());
    std::fflush(stdout);
    return;
  }
  // The bar is redrawn in place with \r; its rate and ETA come from the wall time so far.
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = record.epoch / std::max(elapsed, 1e-9);
  const double remaining = (total_epochs_ - record.epoch) / std::max(rate, 1e-9);
  constexpr int width = 24;
  const int filled = width * record.epoch / total_epochs_;
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < width) bar += '>';
  bar.resize(width, ' ');
  std::printf("\r[%s] %d/%d  %.1f epochs/s  ETA %.0fs  %s\033[K", bar.c_str(), record.epoch,
              total_epochs_, rate, remaining, metrics(record).c_str());
  std::fflush(stdout);
  bar_drawn_ = true;
}

void Progress::finish() {
  if (bar_drawn_) std::printf("\n");
  bar_drawn_ = false;
}

}  // namespace soma::cli
