// perfval-bench: the Google Benchmark executable behind `perfval bench`. Google Benchmark's own flags work as
// usual; --perfval_categories=LIST, --perfval_quick and the network target flags (--perfval_target=URL,
// --perfval_path=..., network_target.hpp) select what is registered.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "perfval/bench/alloc_stats.hpp"
#include "perfval/bench/categories.hpp"
#include "perfval/bench/console_table.hpp"
#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/machine_context.hpp"
#include "perfval/bench/memory_report.hpp"
#include "perfval/bench/network_target.hpp"
#include "perfval/common/error.hpp"
#include "suite.hpp"

namespace perfval::bench {
namespace {

struct Flags {
  std::vector<std::string> categories;  // selected categories in suite order
  bool categories_given = false;        // --perfval_categories given (else every registered benchmark runs)
  SuiteConfig suite;
  NetworkTargetArgs network;            // the network benchmarks' target; empty for the embedded one
  std::string format;                   // --benchmark_format value; "" for the grouped table
  std::string out_format = "json";      // --benchmark_out_format value
  bool has_out = false;                 // --benchmark_out given
  bool interleaving = false;            // --benchmark_enable_random_interleaving=true given
  bool user_min_time = false;           // --benchmark_min_time given: quick mode leaves it alone
  bool controls = true;                 // run the control set (off with --perfval_no_controls)
};

std::string value_of(const char* arg) { return std::strchr(arg, '=') ? std::strchr(arg, '=') + 1 : ""; }

bool starts_with(const char* arg, const char* prefix) { return std::strncmp(arg, prefix, std::strlen(prefix)) == 0; }

// Takes the --perfval_* flags out of argv (Google Benchmark rejects flags it does not know).
Flags take_perfval_flags(std::vector<char*>& args) {
  Flags f;
  f.categories = parse_categories("all");
  std::vector<char*> rest;
  for (char* a : args) {
    if (starts_with(a, "--perfval_categories=")) {
      f.categories = parse_categories(a + std::strlen("--perfval_categories="));
      f.categories_given = true;
    }
    else if (std::strcmp(a, "--perfval_quick") == 0) f.suite.quick = true;
    else if (take_network_flag(a, f.network)) continue;
    else if (std::strcmp(a, "--perfval_no_controls") == 0) f.controls = false;
    else if (starts_with(a, "--perfval_")) throw Error(std::string("unknown option ") + a);
    else {
      if (starts_with(a, "--benchmark_format=")) f.format = value_of(a);
      if (starts_with(a, "--benchmark_out_format=")) f.out_format = value_of(a);
      if (starts_with(a, "--benchmark_out=")) f.has_out = true;
      if (starts_with(a, "--benchmark_enable_random_interleaving=")) f.interleaving = value_of(a) == "true";
      f.user_min_time = f.user_min_time || starts_with(a, "--benchmark_min_time=");
      rest.push_back(a);
    }
  }
  args = rest;
  return f;
}

// The filter to run: statically registered benchmarks (capacity_bench.cpp) run unless categories were chosen;
// the control set runs whatever the filter, so every run says how fast the machine was (a negative filter,
// "-REGEX", is left as written).
std::string effective_filter(const Flags& f) {
  std::string filter = benchmark::GetBenchmarkFilter();
  const bool no_filter = filter.empty() || filter == "." || filter == "all";
  if (no_filter && !f.categories_given) return filter;
  if (no_filter) filter = category_filter(f.categories);
  if (!f.controls || filter.front() == '-') return filter;
  return "(" + filter + ")|^control/";
}

// Collects every repetition and prints the grouped table at the end; a progress line on a terminal meanwhile.
class TableReporter final : public benchmark::BenchmarkReporter {
 public:
  explicit TableReporter(bool quick) : quick_(quick) {}

  bool ReportContext(const Context& context) override {
    std::fprintf(stdout, "perfval-bench: %d CPUs, %s mode, %s\n", context.cpu_info.num_cpus,
                 quick_ ? "quick" : "full", context.executable_name ? context.executable_name : "");
    std::fflush(stdout);
    return true;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      RunRecord r;
      r.run_name = run.run_name.str();
      if (run.error_occurred) r.error = run.error_message.empty() ? "error" : run.error_message;
      else r.real_time_ns = run.real_accumulated_time / static_cast<double>(run.iterations) * 1e9;
      for (const auto& [name, counter] : run.counters) r.counters[name] = counter.value;
      if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K%s", r.run_name.c_str());
      records_.push_back(std::move(r));
    }
  }

  void Finalize() override {
    if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
    std::fputs(render_table(summarize(records_)).c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  bool quick_;
  std::vector<RunRecord> records_;
};

// Google Benchmark's reporter for a format name; null for formats left to Google Benchmark itself (csv).
std::unique_ptr<benchmark::BenchmarkReporter> google_reporter(const std::string& format, bool to_file) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  if (format == "console") {
    const bool color = !to_file && isatty(STDOUT_FILENO);
    return std::make_unique<benchmark::ConsoleReporter>(color ? benchmark::ConsoleReporter::OO_Defaults
                                                              : benchmark::ConsoleReporter::OO_Tabular);
  }
  return nullptr;
}

int run(int argc, char** argv) {
  quiet_malloc();
  std::vector<char*> args(argv, argv + argc);
  const Flags flags = take_perfval_flags(args);
  std::string quick_min_time = "--benchmark_min_time=0.02";
  if (flags.suite.quick && !flags.user_min_time) args.insert(args.begin() + 1, quick_min_time.data());
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return exit_code::usage;
  set_network_scenario(network_scenario(flags.network));
  // The scalability benchmarks scrape /metrics of a loopback http://IP:PORT target; any other stays theirs alone.
  if (flags.network.unix_socket.empty() && !flags.network.target.empty()) {
    try {
      set_external_target(parse_endpoint(flags.network.target, "--target"));
    } catch (const Error&) {
    }
  }

  using Register = void (*)(const SuiteConfig&);
  const std::vector<std::pair<std::string, Register>> table{{"memory", register_memory_benchmarks},
                                                            {"cpu", register_cpu_benchmarks},
                                                            {"network", register_network_benchmarks},
                                                            {"scalability", register_scalability_benchmarks}};
  // A slot of the control set before and after every category: the controls sample the machine's speed through
  // the whole run, so a run that was slow as a whole (or in part) is told apart from slower code.
  std::size_t control_slots = 0;
  auto control_slot = [&] {
    if (flags.controls) register_control_benchmarks(), ++control_slots;
  };
  control_slot();
  for (const auto& [name, fn] : table) {
    if (std::find(flags.categories.begin(), flags.categories.end(), name) == flags.categories.end()) continue;
    fn(flags.suite);
    control_slot();
  }
  record_machine_context();
  const std::string filter = effective_filter(flags);

  // Interleaved repetitions would report results out of the order the ledger pairs them in: no memory fields then.
  MemoryResultLedger ledger;
  CountingMemoryManager memory_manager(&ledger);
  if (!flags.interleaving) benchmark::RegisterMemoryManager(&memory_manager);
  auto file_inner = flags.has_out ? google_reporter(flags.out_format, true) : nullptr;
  auto display_inner = flags.format.empty() ? std::make_unique<TableReporter>(flags.suite.quick)
                                            : google_reporter(flags.format, false);
  std::unique_ptr<StableMemoryReporter> file, display;
  if (file_inner) file = std::make_unique<StableMemoryReporter>(std::move(file_inner), ledger, true);
  if (display_inner) display = std::make_unique<StableMemoryReporter>(std::move(display_inner), ledger, !file);
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks(display.get(), file.get(), filter);
  benchmark::RegisterMemoryManager(nullptr);
  stop_benchmark_targets();
  benchmark::Shutdown();
  if (ran <= control_slots * kControlBenchmarks) {
    std::string chosen;
    for (const auto& c : flags.categories) chosen += (chosen.empty() ? "" : ",") + c;
    throw Error("--benchmark_filter=" + benchmark::GetBenchmarkFilter() + " matches no benchmark in categories " + chosen +
                "; list them with --benchmark_list_tests");
  }
  return exit_code::ok;
}

}  // namespace
}  // namespace perfval::bench

int main(int argc, char** argv) {
  try {
    return perfval::bench::run(argc, argv);
  } catch (const perfval::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "perfval-bench: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "perfval-bench: internal error: %s\n", e.what());
    return perfval::exit_code::internal_error;
  }
}
