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
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(int64_t number);
  JsonWriter& value(bool flag);

  const std::string& str() const { return out_; }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: whether it already holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace soma::cli
