// A minimal streaming JSON writer for the large REST bodies: appends to one string, no DOM, no per-value allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::target {

// Commas and colons are inserted automatically; callers pair begin_*/end_* and call key() before object members.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& raw(std::string_view json);  // an already rendered JSON value

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();  // comma before the next array element or object member

  std::string& out_;
  std::vector<bool> has_items_;  // per open container: something was written into it
  bool after_key_ = false;       // the next value completes a member
};

}  // namespace perfval::target
