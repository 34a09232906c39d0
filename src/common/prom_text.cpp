// Prometheus text format parsing: comments and blank lines skipped, "# TYPE" counted, samples split into
// name, labels, value and optional timestamp with exact positions in errors.
#include "perfval/common/prom_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "perfval/common/error.hpp"

namespace perfval {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

class LineParser {
 public:
  LineParser(std::string_view line, std::size_t line_no) : line_(line), line_no_(line_no) {}

  void parse(PromSample& out) {
    out.name = name("metric name");
    out.labels.clear();
    if (peek() == '{') labels(out);
    if (peek() != ' ' && peek() != '\t') fail("expected a space before the value");
    skip_spaces();
    out.value = value(token());
    skip_spaces();
    out.timestamp_ms.reset();
    if (pos_ < line_.size()) out.timestamp_ms = timestamp(token());
    skip_spaces();
    if (pos_ < line_.size()) fail("unexpected text after the sample");
  }

 private:
  char peek() const { return pos_ < line_.size() ? line_[pos_] : '\0'; }
  void skip_spaces() {
    while (peek() == ' ' || peek() == '\t') ++pos_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(SourceLocation{"prometheus text", static_cast<int>(line_no_), static_cast<int>(pos_ + 1)}, "sample",
                what);
  }
  std::string_view name(const char* what) {
    const std::size_t start = pos_;
    if (!name_start(peek())) fail(std::string("expected a ") + what);
    while (name_char(peek())) ++pos_;
    return line_.substr(start, pos_ - start);
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ' && line_[pos_] != '\t') ++pos_;
    return line_.substr(start, pos_ - start);
  }
  void labels(PromSample& out) {
    ++pos_;  // '{'
    skip_spaces();
    while (peek() != '}') {
      PromLabel label;
      const std::size_t name_pos = pos_;
      label.name = name("label name");
      // Metric names may hold ':', label names may not ([a-zA-Z_][a-zA-Z0-9_]*): Prometheus rejects them.
      if (label.name.find(':') != std::string_view::npos) {
        pos_ = name_pos + label.name.find(':');
        fail("':' is not allowed in label name \"" + std::string(label.name) + "\"");
      }
      skip_spaces();
      if (peek() != '=') fail("expected '=' after label " + std::string(label.name));
      ++pos_;
      skip_spaces();
      if (peek() != '"') fail("expected '\"' to open the value of label " + std::string(label.name));
      const std::size_t start = ++pos_;
      while (pos_ < line_.size() && line_[pos_] != '"') pos_ += line_[pos_] == '\\' ? 2 : 1;
      if (pos_ >= line_.size()) fail("unterminated value of label " + std::string(label.name));
      label.raw_value = line_.substr(start, pos_ - start);
      ++pos_;
      out.labels.push_back(label);
      skip_spaces();
      if (peek() == ',') {
        ++pos_;
        skip_spaces();
      } else if (peek() != '}') {
        fail("expected ',' or '}' after label " + std::string(label.name));
      }
    }
    ++pos_;  // '}'
  }
  double value(std::string_view text) {
    if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
    if (text == "-Inf") return -std::numeric_limits<double>::infinity();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      pos_ -= text.size();
      fail("expected a number, got \"" + std::string(text) + "\"");
    }
    return v;
  }
  std::int64_t timestamp(std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      pos_ -= text.size();
      fail("expected a timestamp in milliseconds, got \"" + std::string(text) + "\"");
    }
    return v;
  }

  std::string_view line_;
  std::size_t line_no_;
  std::size_t pos_ = 0;
};

// "# TYPE name type": checks both and reports them.
void type_line(std::string_view line, std::size_t line_no, const PromTypeFn& on_type) {
  auto fail = [&](std::size_t col, const std::string& what) {
    throw Error(SourceLocation{"prometheus text", static_cast<int>(line_no), static_cast<int>(col + 1)}, "TYPE", what);
  };
  std::size_t pos = 7;  // after "# TYPE "
  const std::size_t start = pos;
  if (pos >= line.size() || !name_start(line[pos])) fail(pos, "expected a metric name");
  while (pos < line.size() && name_char(line[pos])) ++pos;
  const std::string_view family = line.substr(start, pos - start);
  if (pos >= line.size() || (line[pos] != ' ' && line[pos] != '\t')) fail(pos, "expected a space after the name");
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  std::string_view type = line.substr(pos);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped") {
    fail(pos, "unknown metric type \"" + std::string(type) + "\"");
  }
  if (on_type) on_type(family, type);
}

}  // namespace

PromParseStats parse_prometheus_text(std::string_view text, const std::function<void(const PromSample&)>& on_sample) {
  return parse_prometheus_text(text, on_sample, nullptr);
}

PromParseStats parse_prometheus_text(std::string_view text, const std::function<void(const PromSample&)>& on_sample,
                                     const PromTypeFn& on_type) {
  PromParseStats stats;
  stats.bytes = text.size();
  PromSample sample;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# TYPE ", 0) == 0) {
        type_line(line, line_no, on_type);
        ++stats.families;
      }
      continue;
    }
    LineParser(line, line_no).parse(sample);
    ++stats.samples;
    on_sample(sample);
  }
  return stats;
}

std::string unescape_label_value(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char next = raw[++i];
    out += next == 'n' ? '\n' : next;
  }
  return out;
}

}  // namespace perfval
