// Reading measured results: perfval run summaries (summary.json), Google Benchmark JSON, Go benchmark text
// (`go test -bench`), or folders of them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/testbed.hpp"

namespace perfval::regression {

// One measured quantity of one run. Keys are canonical so the same quantity matches across runs:
//   bench:<run name>:<real_time|cpu_time|counter>   Go: bench:<name without -N>:<unit>, e.g. ...:allocs/op
//   summary:<scenario>:<metric>:<field>          e.g. summary:baseline:http_req_duration:p(95)
//   resource:<scenario>:<field>                   e.g. resource:baseline:memory_bytes
struct Measurement {
  std::string key;              // canonical key, as above
  double value = 0;             // representative value (mean of repetitions, or the summary's value), in `unit`
  std::vector<double> samples;  // repetitions or per-interval values, in `unit`; may be empty
  std::string unit;             // ns/us/ms/s, bytes, ratio, /s, cores, count, or "" when the input does not say
  std::string file;             // the file it was read from
  // The samples are independent runs of the benchmark: one per process of `perfval bench --processes N` (each
  // process's median), every interleaved repetition of several processes, or `go test -count N` lines, so their
  // spread is the run-to-run noise.
  bool independent_samples = false;
  // How much more a location of these samples varies than their spread over sqrt(n) says: interleaved
  // repetitions of one process share a little of its luck. 1 for processes' medians and go -count lines; for
  // repetitions, measured over the run's benchmarks (docs/regression.md, "Noise: the run is the unit").
  double design_effect = 1;
  bool design_effect_measured = false;  // the samples are interleaved repetitions, design_effect measured
};

struct RunResults {
  std::string label;                               // the run's name: its folder or file name
  std::string path;                                // as given
  std::map<std::string, Measurement> measurements;  // by key
  std::map<std::string, std::string> failed;       // key prefix "bench:<name>" -> error message of a failed benchmark
  std::vector<std::string> benchmarks;             // benchmark run names, in file order
  std::map<std::string, std::vector<std::string>> judged_fields;  // Go benchmark -> its units, each a row
                                                   // (a benchmark not listed is judged on real_time)
  std::vector<std::string> scenarios;              // summary scenario names, in file order
  std::vector<std::string> summary_files;          // summaries read
  std::optional<double> target_nodes;              // cluster size from a summary's target.nodes, nodes
  std::vector<std::string> notes;                  // things the reader noticed (duplicates, aborted runs)
  MachineContext machine;                          // where it ran (Google Benchmark context); empty when unknown

  const Measurement* find(const std::string& key) const;
  bool empty() const { return measurements.empty() && failed.empty(); }
};

// Reads a summary JSON, a Google Benchmark JSON or a Go benchmark text file, recognized by content; or a
// folder: every *.json file in it and every other file that holds Go benchmark text (not recursive).
// Throws Error naming the file (and line:column for JSON syntax errors and bad Go lines, the field for bad values).
RunResults read_results(const std::string& path);

// The fields of `benchmark` that are compared, each as a row: its Go units in either run, else real_time.
std::vector<std::string> compared_fields(const RunResults& a, const RunResults& b, const std::string& benchmark);

// True for a *.json file and for a file of Go benchmark text, whatever its name (how folders are scanned).
bool is_results_file(const std::string& path);

// Adds one file's results to `into` (used by read_results; exposed for tests).
void read_results_text(const std::string& text, const std::string& file, RunResults& into);

}  // namespace perfval::regression
