// Shared by the unit tests: the message of the soma::Error a piece of code throws, so that
// tests can assert the exact text users see.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "soma/core/error.hpp"

namespace soma::testing {

// The message of the soma::Error that `f` throws, or a note that it threw none.
template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const soma::Error& error) {
    return error.what();
  }
  return "(no soma::Error thrown)";
}

}  // namespace soma::testing

// Expects `statement` to throw a soma::Error whose message is exactly `expected`.
#define EXPECT_SOMA_ERROR(statement, expected) \
  EXPECT_EQ(::soma::testing::error_message([&] { statement; }), expected)
