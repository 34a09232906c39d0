// Fuzz target: the Prometheus text exposition parser (src/common prom_text). Bad input must be a
// perfval::Error; what parses must be valid names and labels inside the input, counted as reported, and the
// samples written out again in the text format must parse back to the same samples.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "perfval/common/error.hpp"
#include "perfval/common/prom_text.hpp"
#include "support/fuzz_support.hpp"

namespace {

using perfval::fuzz::require;

bool valid_name(std::string_view s, bool colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One sample line in the text format, from what the parser reported.
std::string render(const perfval::PromSample& s) {
  std::string line(s.name);
  if (!s.labels.empty()) {
    line += '{';
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
      if (i) line += ',';
      line.append(s.labels[i].name).append("=\"").append(s.labels[i].raw_value).append("\"");
    }
    line += '}';
  }
  line += ' ' + format_value(s.value);
  if (s.timestamp_ms) line += ' ' + std::to_string(*s.timestamp_ms);
  return line + '\n';
}

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = perfval::fuzz::as_text(data, size);
  std::size_t samples = 0, types = 0;
  std::string rendered;
  std::vector<double> values;
  perfval::PromParseStats stats;
  try {
    stats = perfval::parse_prometheus_text(
        text,
        [&](const perfval::PromSample& s) {
          ++samples;
          require(valid_name(s.name, true) && inside(s.name, text), "an invalid metric name, or one not in the input");
          for (const auto& l : s.labels) {
            require(valid_name(l.name, false) && inside(l.name, text), "an invalid label name");
            require(inside(l.raw_value, text), "a label value not in the input");
          }
          rendered += render(s);
          values.push_back(s.value);
        },
        [&](std::string_view family, std::string_view) {
          ++types;
          require(valid_name(family, true), "an invalid family name in # TYPE");
        });
  } catch (const perfval::Error&) {
    return 0;
  }
  require(stats.samples == samples && stats.families == types && stats.bytes == text.size(), "stats miscounted");
  std::size_t i = 0;
  const auto again = perfval::parse_prometheus_text(rendered, [&](const perfval::PromSample& s) {
    require(i < values.size() && same_value(s.value, values[i]), "a written-out sample parses to another value");
    ++i;
  });
  require(again.samples == samples, "written-out samples parse to another count");
  return 0;
}
