// The thread-local switch behind NoGradGuard.
#include "soma/autograd/grad_mode.hpp"

namespace soma {

namespace {
thread_local bool grad_enabled = true;
}

bool is_grad_enabled() {
  return grad_enabled;
}

NoGradGuard::NoGradGuard() : previous_(grad_enabled) {
  grad_enabled = false;
}

NoGradGuard::~NoGradGuard() {
  grad_enabled = previous_;
}

}  // namespace soma
