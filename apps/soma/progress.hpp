// Per-epoch progress of `soma train`: a live bar with rate and ETA when the output is a
// terminal, one plain line per epoch otherwise (logs, pipes, CI), nothing with --json.
#pragma once

#include <chrono>
#include <cstdio>

#include "soma/train/fit.hpp"

namespace soma::cli {

class Progress {
 public:
  enum class Style { bar, lines, quiet };
  Progress(Style style, int total_epochs, bool classification);
  // Chooses bar or lines from whether `stream` is a terminal.
  static Style style_for(FILE* stream);

  void epoch_done(const train::EpochRecord& record);
  // Ends the bar's line, so that what follows starts on a fresh one.
  void finish();

 private:
  std::string metrics(const train::EpochRecord& record) const;

  Style style_;
  int total_epochs_;
  bool classification_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool bar_drawn_ = false;
};

}  // namespace soma::cli
