// Reading measured results: perfval run summaries (summary.json), Google Benchmark JSON, or folders of them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/testbed.hpp"

namespace perfval::regression {

// One measured quantity of one run. Keys are canonical so the same quantity matches across runs:
//   bench:<run name>:<real_time|cpu_time|counter>
//   summary:<scenario>:<metric>:<field>          e.g. summary:baseline:http_req_duration:p(95)
//   resource:<scenario>:<field>                   e.g. resource:baseline:memory_bytes
struct Measurement {
  std::string key;              // canonical key, as above
  double value = 0;             // representative value (mean of repetitions, or the summary's value), in `unit`
  std::vector<double> samples;  // repetitions or per-interval values, in `unit`; may be empty
  std::string unit;             // ns/us/ms/s, bytes, ratio, /s, cores, count, or "" when the input does not say
  std::string file;             // the file it was read from
};

struct RunResults {
  std::string label;                               // the run's name: its folder or file name
  std::string path;                                // as given
  std::map<std::string, Measurement> measurements;  // by key
  std::map<std::string, std::string> failed;       // key prefix "bench:<name>" -> error message of a failed benchmark
  std::vector<std::string> benchmarks;             // benchmark run names, in file order
  std::vector<std::string> scenarios;              // summary scenario names, in file order
  std::vector<std::string> summary_files;          // summaries read
  std::optional<double> target_nodes;              // cluster size from a summary's target.nodes, nodes
  std::vector<std::string> notes;                  // things the reader noticed (duplicates, aborted runs)
  MachineContext machine;                          // where it ran (Google Benchmark context); empty when unknown

  const Measurement* find(const std::string& key) const;
  bool empty() const { return measurements.empty() && failed.empty(); }
};

// Reads a summary JSON, a Google Benchmark JSON, or every *.json file of a folder (not recursive).
// Throws Error naming the file (and line:column for JSON syntax errors, the field for bad values).
RunResults read_results(const std::string& path);

// Adds one file's results to `into` (used by read_results; exposed for tests).
void read_results_text(const std::string& text, const std::string& file, RunResults& into);

}  // namespace perfval::regression
