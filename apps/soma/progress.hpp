// Per-epoch progress of `soma train`: on a terminal, one live bar (epoch, loss, rate, ETA,
// and the metrics that fit) redrawn in place and never wider than the terminal, so that
// '\r' really rewrites it; otherwise (logs, pipes, CI) one plain line every N epochs
// (--log-every); nothing with --json.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "arguments.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

// The terminal's width in columns: TIOCGWINSZ on `stream`, else $COLUMNS, else 80.
int terminal_columns(FILE* stream);

// --log-every N (1 to 1,000,000), or by default ceil(epochs / 10), so that a run prints
// about ten lines whatever its length.
int read_log_every(const ParsedArguments& arguments, int epochs);

class Progress {
 public:
  enum class Style { bar, lines, quiet };
  // `columns` bounds the bar (terminal_columns(out) when 0); `log_every` spaces the lines.
  Progress(Style style, int total_epochs, bool classification, int log_every = 1,
           FILE* out = stdout, int columns = 0);
  // Chooses bar or lines from whether `stream` is a terminal.
  static Style style_for(FILE* stream);

  void epoch_done(const train::EpochRecord& record);
  // Ends the bar's line, so that what follows starts on a fresh one; in lines, prints the
  // last epoch if the spacing skipped it (a run stopped early).
  void finish();

  // The bar for `record` after `elapsed` seconds: at most `columns` - 1 characters (a line
  // that fills the last column wraps on some terminals). Public for the tests.
  std::string bar_text(const train::EpochRecord& record, double elapsed) const;

 private:
  std::string line_text(const train::EpochRecord& record) const;

  Style style_;
  int total_epochs_;
  bool classification_;
  int log_every_;
  FILE* out_;
  int columns_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool bar_drawn_ = false;
  train::EpochRecord last_{};
  bool last_printed_ = true;
};

}  // namespace soma::cli
