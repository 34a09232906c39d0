// A counting SAX handler over nlohmann's parser: every token is visited, nothing is stored.
#include "perfval/bench/json_scan.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "perfval/common/error.hpp"

namespace perfval::bench {
namespace {

using nlohmann::json;

class ShapeCounter final : public json::json_sax_t {
 public:
  JsonShape shape;
  std::string error;

  bool null() override { return literal(); }
  bool boolean(bool) override { return literal(); }
  bool number_integer(number_integer_t) override { return number(); }
  bool number_unsigned(number_unsigned_t) override { return number(); }
  bool number_float(number_float_t, const string_t&) override { return number(); }
  bool string(string_t&) override {
    ++shape.strings;
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++shape.objects;
    return open();
  }
  bool key(string_t&) override {
    ++shape.keys;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    ++shape.arrays;
    return open();
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) override {
    error = "json:" + std::to_string(position) + ": " + e.what();
    return false;
  }

 private:
  bool literal() {
    ++shape.literals;
    return true;
  }
  bool number() {
    ++shape.numbers;
    return true;
  }
  bool open() {
    shape.max_depth = std::max(shape.max_depth, ++depth_);
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  std::size_t depth_ = 0;
};

}  // namespace

JsonShape scan_json(std::string_view text) {
  ShapeCounter counter;
  const bool ok = json::sax_parse(text.begin(), text.end(), &counter);
  if (!ok) throw Error(counter.error.empty() ? "json: malformed document" : counter.error);
  return counter.shape;
}

}  // namespace perfval::bench
