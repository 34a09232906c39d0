// `perfval bench` options: declared once, validated with errors naming the option, and turned into the
// command line of build/perfval-bench.
#pragma once

#include <string>
#include <vector>

#include "perfval/bench/network_target.hpp"
#include "perfval/common/args.hpp"

namespace perfval::bench {

struct BenchOptions {
  std::vector<std::string> categories;   // chosen categories in suite order (all four by default)
  bool quick = false;                    // CI mode: short runs, largest sizes left out (< 60 s on 2 cores)
  std::string out;                       // --out: Google Benchmark JSON written here atomically; "" for none
  int repetitions = 1;                   // repetitions per benchmark in each process (rows per repetition kept)
  int processes = 5;                     // separate perfval-bench processes (quick: 4); their medians are the samples
  NetworkTargetArgs network;             // --target, --unix-socket, --path, --header, --scenario; empty: embedded
  bool interleave = true;                // repetitions randomly interleaved across benchmarks (off: --no-interleave)
  std::vector<std::string> passthrough;  // --benchmark_* flags, verbatim, last so they win
};

ArgParser bench_arg_parser();

// Throws Error (exit code 2) naming the option: unknown category, bad repetitions, bad target, path, header or
// scenario (network_scenario), unwritable --out.
BenchOptions bench_options_from_args(const ParsedArgs& args);

// Arguments for perfval-bench (without argv[0]); JSON goes to `json_path` when it is not empty.
std::vector<std::string> child_arguments(const BenchOptions& options, const std::string& json_path);

// Creates the parent directories of `path` and proves a file can be created there; throws Error naming
// `option` and the reason otherwise.
void check_writable(const std::string& path, const std::string& option);

}  // namespace perfval::bench
