// A streaming parser for the Prometheus text exposition format (0.0.4), as a scraper would run it; shared by
// the benchmarks, the resource sampler and response checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfval {

struct PromLabel {
  std::string_view name;       // label name
  std::string_view raw_value;  // as written between the quotes (escapes kept; see unescape_label_value)
};

// Views into the parsed text; valid only during the callback.
struct PromSample {
  std::string_view name;                // metric name
  std::vector<PromLabel> labels;        // in the order written
  double value = 0.0;                   // sample value (NaN and +-Inf allowed)
  std::optional<std::int64_t> timestamp_ms;  // optional trailing timestamp, milliseconds
};

struct PromParseStats {
  std::size_t samples = 0;   // sample lines
  std::size_t families = 0;  // "# TYPE" lines
  std::size_t bytes = 0;     // bytes of text read
};

// Calls on_sample for every sample line (one PromSample reused, so no allocation per sample once warm).
// Throws perfval::Error "prometheus text:LINE:COL: ..." on a malformed line, including a "# TYPE" line
// whose name or type (counter, gauge, histogram, summary, untyped) is invalid.
PromParseStats parse_prometheus_text(std::string_view text, const std::function<void(const PromSample&)>& on_sample);

// The same, also calling on_type(family, type) for every valid "# TYPE family type" line.
using PromTypeFn = std::function<void(std::string_view family, std::string_view type)>;
PromParseStats parse_prometheus_text(std::string_view text, const std::function<void(const PromSample&)>& on_sample,
                                     const PromTypeFn& on_type);

// Undoes the text format's label escapes (\\, \", \n).
std::string unescape_label_value(std::string_view raw);

}  // namespace perfval
