// `perfval bench`: runs build/perfval-bench (next to this executable) with the chosen categories, passes Google
// Benchmark flags through, writes its JSON atomically to --out, and exits non-zero when a benchmark failed.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "perfval/bench/bench_options.hpp"
#include "perfval/bench/categories.hpp"
#include "perfval/bench/network_knee.hpp"
#include "perfval/bench/process_runs.hpp"
#include "perfval/bench/push.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/report/prometheus.hpp"

extern char** environ;

namespace perfval::cli {
namespace {

namespace fs = std::filesystem;

std::string bench_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("perfval bench: cannot locate this executable (/proc/self/exe): " + ec.message(), 1);
  const fs::path bench = self.parent_path() / "perfval-bench";
  if (!fs::exists(bench)) {
    throw Error("perfval bench: " + bench.string() + " not found; build it with `scripts/build.sh perfval-bench`",
                exit_code::internal_error);
  }
  return bench.string();
}

// The running child, for the SIGTERM forwarder: a Kubernetes deadline or `kill` reaches this process only. A
// SIGTERM between two processes is remembered and ends the run before the next one.
volatile sig_atomic_t running_child = 0;
volatile sig_atomic_t terminate_requested = 0;

void forward_sigterm(int) {
  terminate_requested = 1;
  if (running_child > 0) ::kill(static_cast<pid_t>(running_child), SIGTERM);
}

// Runs the child with SIGINT reset to default there and ignored here, so Ctrl-C stops the suite and we report it;
// a SIGTERM here is passed on to the child, which stops the same way.
int run_child(const std::string& exe, const std::vector<std::string>& args, bool quiet) {
  std::vector<std::string> all{exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (quiet) posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  auto* previous = std::signal(SIGINT, SIG_IGN);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &files, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  int status = 0;
  if (rc == 0) {
    running_child = pid;
    if (terminate_requested) ::kill(pid, SIGTERM);  // it came while the child was being started
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    running_child = 0;
  }
  std::signal(SIGINT, previous);
  if (rc != 0) throw Error("perfval bench: cannot start " + exe + ": " + std::strerror(rc), exit_code::internal_error);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) return exit_code::interrupted;
  std::fprintf(stderr, "perfval bench: perfval-bench died of signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return exit_code::internal_error;
}

// A benchmark whose repetitions reported error_occurred, with the first cause.
struct FailedBenchmark {
  std::string name;   // run name, e.g. "network/api_latency/ping"
  std::string cause;  // error_message of its first failed repetition
  int rows = 0;       // failed repetition rows
};

std::vector<FailedBenchmark> failed_benchmarks(const nlohmann::json& doc) {
  std::vector<FailedBenchmark> failed;
  for (const auto& row : doc.value("benchmarks", nlohmann::json::array())) {
    if (!row.value("error_occurred", false)) continue;
    const std::string name = row.value("run_name", row.value("name", std::string("?")));
    auto it = std::find_if(failed.begin(), failed.end(), [&](const FailedBenchmark& f) { return f.name == name; });
    if (it == failed.end()) it = failed.insert(failed.end(), {name, row.value("error_message", std::string()), 0});
    ++it->rows;
  }
  return failed;
}

// One line per failed benchmark and the verdict, on stderr; the exit code for a run with error rows.
int report_failures(const std::vector<FailedBenchmark>& failed, std::size_t benchmarks, const std::string& target) {
  if (failed.empty()) return exit_code::ok;
  bool not_found = false;
  for (const auto& f : failed) {
    not_found = not_found || f.cause.find(": HTTP 404") != std::string::npos;
    std::fprintf(stderr, "perfval bench: failed: %s (%d repetition%s): %s\n", f.name.c_str(), f.rows,
                 f.rows == 1 ? "" : "s", f.cause.empty() ? "no message" : f.cause.c_str());
  }
  std::fprintf(stderr, "perfval bench: %zu of %zu benchmarks failed; their rows are marked error_occurred (exit %d)\n",
               failed.size(), benchmarks, exit_code::measurement_failed);
  if (not_found && !target.empty()) {
    std::fprintf(stderr, "perfval bench: hint: --target %s does not serve the paths of `perfval serve` "
                 "(/metrics, /slurm/v0.0.44/...) that the network benchmarks request by default; name its endpoints "
                 "with --path or --scenario\n", target.c_str());
  }
  return exit_code::measurement_failed;
}

// Distinct run names among the rows, the control set left out: the benchmarks the suite ran.
std::size_t benchmark_count(const nlohmann::json& doc) {
  std::vector<std::string> names;
  for (const auto& row : doc.value("benchmarks", nlohmann::json::array())) {
    const std::string name = row.value("run_name", row.value("name", std::string()));
    if (name.rfind("control/", 0) == 0) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names.size();
}

int bench(const std::vector<std::string>& args) {
  ArgParser parser = bench::bench_arg_parser();
  report::add_push_options(parser);
  parser.flag("dry-run", "check the options and that perfval-bench is installed, then exit without benchmarking");
  const ParsedArgs parsed = parser.parse(args);
  if (parsed.help) {
    std::printf("%s\ncategories:\n", parser.help().c_str());
    for (const auto& c : bench::categories()) std::printf("  %-12s %s\n", c.name.c_str(), c.summary.c_str());
    std::printf("\nGoogle Benchmark flags (--benchmark_filter=memory/, --benchmark_min_time=...) pass through.\n");
    return exit_code::ok;
  }
  const bench::BenchOptions options = bench::bench_options_from_args(parsed);
  const auto push = report::push_options_from(parsed);
  const std::int64_t started_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string exe = bench_executable();
  if (parsed.has("dry-run")) {
    std::printf("would run %s%s%s\n", exe.c_str(), options.out.empty() ? "" : ", writing ", options.out.c_str());
    return exit_code::ok;
  }
  // Separate processes, one after the other: the samples of a benchmark are processes (docs/regression.md).
  std::vector<nlohmann::json> docs;
  std::string text;
  // While the processes run, a SIGTERM is passed on to the running one; once they are done it acts as before.
  auto* previous_term = std::signal(SIGTERM, forward_sigterm);
  struct RestoreTerm {
    decltype(previous_term) handler;
    ~RestoreTerm() { std::signal(SIGTERM, handler); }
  };
  const PrivateTempDir scratch("perfval-bench");  // each process's JSON, read back, then removed with it
  for (RestoreTerm restore_term{previous_term}; static_cast<int>(docs.size()) < options.processes;) {
    const int p = static_cast<int>(docs.size());
    const fs::path json_path = fs::path(scratch.path()) / "process.json";
    if (options.processes > 1 && isatty(STDERR_FILENO))
      std::fprintf(stderr, "\rperfval bench: process %d of %d\n", p + 1, options.processes);
    // Only the last process prints its table: the others would print the same table again.
    const int code = terminate_requested
                         ? exit_code::interrupted
                         : run_child(exe, bench::child_arguments(options, json_path.string()), p + 1 < options.processes);
    std::error_code ec;
    if (code != exit_code::ok || !fs::exists(json_path, ec)) {
      fs::remove(json_path, ec);
      // What the finished processes measured is kept: --out gets them, marked as a partial run.
      if (!docs.empty() && !options.out.empty()) {
        nlohmann::json partial = bench::merge_process_runs(docs, options.repetitions, options.interleave);
        partial["context"]["perfval_processes_planned"] = options.processes;
        write_file_atomic(options.out, partial.dump(2) + "\n");
        std::fprintf(stderr, "perfval bench: process %d of %d stopped (exit %d); wrote the %zu finished to %s\n", p + 1,
                     options.processes, code == exit_code::ok ? exit_code::internal_error : code, docs.size(),
                     options.out.c_str());
      }
      return code == exit_code::ok ? exit_code::internal_error : code;
    }
    text = read_file(json_path.string());
    fs::remove(json_path, ec);
    docs.push_back(nlohmann::json::parse(text, nullptr, false));
    if (docs.back().is_discarded())
      throw Error("perfval bench: perfval-bench wrote malformed JSON", exit_code::internal_error);
  }
  if (options.processes > 1) {
    std::printf("(the table is the last of %d processes; --out holds every process)\n", options.processes);
    text = bench::merge_process_runs(docs, options.repetitions, options.interleave).dump(2) + "\n";
  }
  const nlohmann::json doc = options.processes > 1 ? nlohmann::json::parse(text) : docs.front();
  if (!options.out.empty()) {
    write_file_atomic(options.out, text);
    std::printf("wrote %zu rows to %s\n", doc.value("benchmarks", nlohmann::json::array()).size(), options.out.c_str());
  }
  if (push) {
    std::vector<report::PushedMetric> metrics;
    for (auto& g : bench::benchmark_gauges(doc, push->prefix, started_unix))
      metrics.push_back({std::move(g.name), std::move(g.help), std::move(g.labels), g.value, "gauge"});
    report::push_and_report(push, metrics);
  }
  if (const auto knee = bench::in_flight_knee(doc)) std::printf("%s\n", bench::knee_line(*knee).c_str());
  return report_failures(failed_benchmarks(doc), benchmark_count(doc),
                         options.network.default_paths() ? options.network.target : "");
}

const CommandRegistration reg{"bench", "run the benchmark suite (memory, cpu, network, scalability)", &bench};

}  // namespace
}  // namespace perfval::cli
