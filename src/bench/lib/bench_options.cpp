// Validation of `perfval bench` options and the perfval-bench command line built from them.
#include "perfval/bench/bench_options.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "perfval/bench/categories.hpp"
#include "perfval/common/error.hpp"

namespace perfval::bench {

ArgParser bench_arg_parser() {
  ArgParser p("bench", "[options] [--benchmark_FLAG=VALUE ...]");
  p.option("category", "LIST", "memory, cpu, network, scalability or all; comma-separated or repeated (default all)")
      .flag("quick", "CI mode: short runs and smaller sizes, 2 processes of 5 repetitions; about 1.5 minutes on 2 "
                     "busy cores")
      .option("out", "FILE", "write Google Benchmark's JSON (every repetition plus aggregates) here")
      .option("processes", "N", "run the suite in N separate processes, 1-100 (default 5; --quick 2): the samples "
                                "of a benchmark are its processes, or every repetition when they are interleaved")
      .option("repetitions", "N", "repetitions per benchmark in each process, 1-100 (default 1; --quick 5), "
                                  "interleaved across benchmarks unless --no-interleave")
      .option("target", "URL", "network benchmarks against this http(s)://HOST:PORT[/PREFIX] instead of an embedded "
                               "`perfval serve` (scalability: only a loopback http://IP:PORT)")
      .option("unix-socket", "PATH", "network benchmarks over this Unix socket (--target gives Host and prefix)")
      .option("path", "[NAME=]PATH", "an endpoint for the network benchmarks; repeat for several (default: the "
                                     "ping, nodes and metrics paths of `perfval serve`)")
      .option("header", "\"NAME: VALUE\"", "a header sent with every network benchmark request; repeatable")
      .option("scenario", "FILE", "network benchmarks take base URL, Unix socket, TLS options, requests (with "
                                  "headers and checks) from this scenario file")
      .flag("no-interleave", "run each benchmark's repetitions back to back (brings back allocs_per_iter and "
                             "max_bytes_used; default: repetitions interleaved across benchmarks)")
      .passthrough_prefix("--benchmark_");
  return p;
}

void check_writable(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  if (path.empty()) throw Error(option + ": empty file name");
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw Error(option + ": " + path + " is a directory; name a file");
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (ec) throw Error(option + ": cannot create directory " + dir.string() + ": " + ec.message());
  const fs::path probe = dir / (".perfval-bench-probe-" + std::to_string(::getpid()));
  std::FILE* f = std::fopen(probe.c_str(), "w");
  if (!f) throw Error(option + ": cannot write " + path + ": " + std::strerror(errno));
  std::fclose(f);
  fs::remove(probe, ec);
}

BenchOptions bench_options_from_args(const ParsedArgs& args) {
  if (!args.positionals.empty()) {
    throw Error("perfval bench: unexpected argument \"" + args.positionals.front() +
                "\" (Google Benchmark flags are spelled --benchmark_NAME=VALUE; see perfval bench --help)");
  }
  BenchOptions o;
  std::string list;
  for (const auto& v : args.all("category")) list += (list.empty() ? "" : ",") + v;
  o.categories = parse_categories(list.empty() ? "all" : list);
  o.quick = args.has("quick");
  o.interleave = !args.has("no-interleave");
  o.repetitions = o.quick ? 5 : 1;
  if (const auto n = args.get("repetitions")) {
    const long long r = parse_int_arg("repetitions", *n);
    if (r < 1 || r > 100) throw Error("option --repetitions: must be between 1 and 100, got " + *n);
    o.repetitions = static_cast<int>(r);
  }
  o.processes = o.quick ? 2 : 5;
  if (const auto n = args.get("processes")) {
    const long long p = parse_int_arg("processes", *n);
    if (p < 1 || p > 100) throw Error("option --processes: must be between 1 and 100, got " + *n);
    o.processes = static_cast<int>(p);
  }
  if (const auto t = args.get("target")) o.network.target = *t;
  if (const auto u = args.get("unix-socket")) o.network.unix_socket = *u;
  if (const auto f = args.get("scenario")) o.network.scenario = *f;
  o.network.paths = args.all("path");
  o.network.headers = args.all("header");
  network_scenario(o.network);  // validated here, before any process starts
  if (const auto out = args.get("out")) {
    check_writable(*out, "option --out");
    o.out = *out;
  }
  o.passthrough = args.passthrough;
  return o;
}

std::vector<std::string> child_arguments(const BenchOptions& o, const std::string& json_path) {
  std::vector<std::string> a;
  if (o.categories.size() != categories().size()) {
    std::string list;
    for (const auto& c : o.categories) list += (list.empty() ? "" : ",") + c;
    a.push_back("--perfval_categories=" + list);
  }
  if (o.quick) a.push_back("--perfval_quick");
  for (auto& flag : network_flags(o.network)) a.push_back(std::move(flag));
  a.push_back("--benchmark_repetitions=" + std::to_string(o.repetitions));
  // Interleaved repetitions spread a slow spell of the machine over all benchmarks instead of one, so the spread
  // of a benchmark's repetitions shows the run's noise (docs/regression.md).
  // One repetition per process has nothing to interleave: the memory fields stay then.
  if (o.interleave && o.repetitions > 1) a.push_back("--benchmark_enable_random_interleaving=true");
  if (!json_path.empty()) {
    a.push_back("--benchmark_out=" + json_path);
    a.push_back("--benchmark_out_format=json");
  }
  a.insert(a.end(), o.passthrough.begin(), o.passthrough.end());
  return a;
}

}  // namespace perfval::bench
