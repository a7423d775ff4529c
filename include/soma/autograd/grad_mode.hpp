// Whether operations record graph nodes. Recording is on by default; NoGradGuard switches
// it off for the current thread for its lifetime (inference, evaluation, optimiser steps).
#pragma once

namespace soma {

bool is_grad_enabled();

class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace soma
