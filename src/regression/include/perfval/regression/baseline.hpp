// Baselines files (baselines/*.yaml): expected value, tolerance, unit, direction and source of each metric.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perfval/common/error.hpp"
#include "perfval/regression/sla.hpp"
#include "perfval/regression/testbed.hpp"
#include "perfval/regression/units.hpp"

namespace perfval::regression {

// Where a metric's measured value comes from.
struct MetricSource {
  enum class Kind {
    lookup,     // no source given: the well-known metric table, then a benchmark counter of that name
    benchmark,  // a Google Benchmark result: name = run name, field = real_time, cpu_time or a counter
    summary,    // a perfval summary metric: name = metric (e.g. http_req_duration), field = e.g. p(95)
    resource,   // a summary's resources object: name = field, e.g. memory_bytes
  };
  Kind kind = Kind::lookup;
  std::string name;      // benchmark run name, summary metric name or resource field
  std::string field;     // which value of it (benchmark: real_time by default)
  std::string scenario;  // summary/resource: which scenario when a run has several summaries ("" = the only one)

  std::string describe() const;  // "benchmark memory/allocation counter allocations_per_second"
};

struct BaselineEntry {
  std::string name;                 // the entry's key, e.g. memory_allocation
  std::string metric;               // metric name, e.g. allocations_per_second
  double baseline = 0;              // expected value, in `unit`
  double tolerance_pct = 0;         // allowed change in the bad direction, percent of baseline
  std::string unit;                 // unit of `baseline`, e.g. ms, allocs/sec, bytes
  Direction direction = Direction::lower_is_better;  // explicit or inferred from the unit
  bool direction_inferred = false;  // true when `direction` came from the unit
  MetricSource source;              // where the measured value comes from
  SourceLocation where;             // the entry's key in the file
  std::size_t value_offset = 0;     // byte offset of the `baseline:` value in the file (for rewriting)
  Testbed testbed;                  // the entry's own `testbed:`; unknown: the file's applies
  std::optional<std::size_t> testbed_offset;  // byte offset of the entry's `testbed:` value (for rewriting)
};

// Optional `sla:` section: which tier's limits apply when the input does not give the cluster size.
struct SlaSettings {
  std::optional<SlaTier> tier;  // fixed tier; nullopt = from the summary's target.nodes (or `nodes`)
  std::optional<double> nodes;  // cluster size to pick the tier from, nodes
};

struct BaselineFile {
  std::string path;                    // as given by the user
  std::string text;                    // file contents (kept for --update-baseline)
  std::vector<BaselineEntry> entries;  // in file order
  SlaSettings sla;
  Testbed testbed;                     // top-level `testbed: "CPU MODEL, N cores"`; unknown when absent
  std::optional<std::size_t> testbed_offset;  // byte offset of its value (for rewriting)
  std::size_t first_key_offset = 0;    // byte offset of the line of the first top-level key (to insert testbed:)
};

// Where an entry's value was measured: its own testbed, else the file's.
const Testbed& testbed_of(const BaselineFile& file, const BaselineEntry& entry);

// "AMD EPYC 7B13, 8 cores" -> {cpu_model, cores}; nullopt when it does not end in ", N cores" (or ", 1 core").
std::optional<Testbed> parse_testbed(const std::string& fingerprint);

// Reads and validates a baselines file; throws Error as "file:line:col: entry.field: message".
BaselineFile load_baselines(const std::string& path);
BaselineFile parse_baselines(const std::string& text, const std::string& path);

// The file text with each named entry's `baseline:` value replaced by the new value (4 significant
// digits); everything else, comments and layout included, is kept as written. With a known `testbed`, the
// file's `testbed:` is set to it (inserted before the first key when absent), and so is the own testbed of
// every updated entry that has one.
std::string update_baseline_text(const BaselineFile& file, const std::map<std::string, double>& new_values,
                                 const Testbed& testbed = {});

// Formats a baseline value readably: at most 4 significant digits, no exponent.
std::string format_baseline_number(double value);

}  // namespace perfval::regression
