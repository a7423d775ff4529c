// A small streaming JSON writer for the CLI's --json output: objects, arrays, strings
// (escaped), integers and floats (shortest form that reads back the same float; non-finite
// numbers become null, since JSON has no nan or inf).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soma::cli {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(int64_t number);
  JsonWriter& value(bool flag);

  const std::string& str() const { return out_; }

 private:
  void before_value();
  // A container starts with `bracket` (as a value of the one around it) or ends with it.
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  // One entry per open container: whether it already holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace soma::cli
