// End-to-end tests of `perfval bench`: one real `--quick` run (what CI runs) checked for every category,
// repetitions, aggregates, the memory figures and the counters the baselines file maps to; bad input exits 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "integration/process.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/http/simple_client.hpp"
#include "support/free_port.hpp"

namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using perfval::test::ProcessResult;
using perfval::test::TempDir;
using namespace std::chrono_literals;

ProcessResult perfval(std::vector<std::string> args, std::chrono::milliseconds limit = 60s) {
  args.insert(args.begin(), PERFVAL_BIN);
  return perfval::test::run_process(args, limit);
}

// One quick run shared by the tests that read its output (it takes about 40 s on 2 cores).
class BenchQuick : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    out_path_ = dir_->path() + "/results/bench.json";
    const auto start = std::chrono::steady_clock::now();
    run_ = new ProcessResult(perfval({"bench", "--quick", "--out", out_path_}, 600s));  // 78-264 s at load 1-16
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("perfval bench --quick took %.1f s\n", seconds_);
    if (run_->exit_code == 0) doc_ = new json(json::parse(perfval::read_file(out_path_)));
  }
  static void TearDownTestSuite() {
    delete doc_;
    delete run_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_EQ(run_->exit_code, 0) << run_->err;
    ASSERT_NE(doc_, nullptr);
  }

  // Iteration rows by run name.
  static std::map<std::string, std::vector<json>> repetitions() {
    std::map<std::string, std::vector<json>> by;
    for (const auto& row : (*doc_)["benchmarks"])
      if (row["run_type"] == "iteration") by[row["run_name"].get<std::string>()].push_back(row);
    return by;
  }

  static void check_all_four_categories_run_without_failures();
  static void check_console_table_is_grouped_by_category();
  static void check_processes_and_their_medians();
  static void check_memory_figures_and_rates();
  static void check_baseline_entries_map_to_benchmarks();
  static void check_regress_resolves_every_benchmark_baseline();

  static TempDir* dir_;
  static std::string out_path_;
  static ProcessResult* run_;
  static json* doc_;
  static double seconds_;
};

TempDir* BenchQuick::dir_ = nullptr;
std::string BenchQuick::out_path_;
ProcessResult* BenchQuick::run_ = nullptr;
json* BenchQuick::doc_ = nullptr;
double BenchQuick::seconds_ = 0;

void BenchQuick::check_all_four_categories_run_without_failures() {
  std::set<std::string> categories;
  for (const auto& row : (*doc_)["benchmarks"]) {
    EXPECT_FALSE(row.value("error_occurred", false)) << row.dump();
    const std::string name = row["run_name"];
    categories.insert(name.substr(0, name.find('/')));
  }
  EXPECT_THAT(categories, ::testing::IsSupersetOf({"memory", "cpu", "network", "scalability"}));
  EXPECT_THAT(run_->out, HasSubstr("wrote "));
  EXPECT_THAT(run_->out, HasSubstr(" 0 failed"));
  EXPECT_EQ(run_->err, "");
}

void BenchQuick::check_console_table_is_grouped_by_category() {
  const auto& out = run_->out;
  const auto memory = out.find("\nmemory/"), cpu = out.find("\ncpu/"), network = out.find("\nnetwork/"),
             scalability = out.find("\nscalability/");
  ASSERT_NE(memory, std::string::npos) << out;
  EXPECT_LT(memory, cpu);
  EXPECT_LT(cpu, network);
  EXPECT_LT(network, scalability);
  // One row per benchmark (about 60), not one per repetition (about 300).
  EXPECT_LT(std::count(out.begin(), out.end(), '\n'), 100);
}

void BenchQuick::check_processes_and_their_medians() {
  std::map<std::string, std::set<std::string>> aggregates;
  for (const auto& row : (*doc_)["benchmarks"])
    if (row["run_type"] == "aggregate") aggregates[row["run_name"]].insert(row["aggregate_name"].get<std::string>());
  const auto reps = repetitions();
  EXPECT_GT(reps.size(), 40u);
  // --quick: 2 processes of 5 interleaved repetitions each; every row says its process, and each benchmark has
  // one median over the processes (a process's own aggregates describe one process only and are not written).
  EXPECT_EQ((*doc_)["context"]["perfval_processes"], 2);
  EXPECT_EQ((*doc_)["context"]["perfval_interleaved"], true);
  for (const auto& [name, rows] : reps) {
    std::set<int> processes;
    for (const auto& r : rows) processes.insert(r["perfval_process"].get<int>());
    EXPECT_EQ(processes, (std::set<int>{0, 1})) << name;
    // 5 repetitions in each process; the controls run in each of the 5 slots (before and after each category).
    EXPECT_EQ(rows.size(), name.rfind("control/", 0) == 0 ? 50u : 10u) << name;
    EXPECT_EQ(aggregates[name], (std::set<std::string>{"median"})) << name;
  }
}

void BenchQuick::check_memory_figures_and_rates() {
  const auto reps = repetitions();
  // The benchmark counts its allocations itself (whether or not the MemoryManager's fields are on).
  for (const auto& row : reps.at("memory/allocation/mixed")) {
    EXPECT_EQ(row["allocations_per_iteration"].get<double>(), 641.0);
    EXPECT_GT(row["bytes_per_iteration"].get<double>(), 10000.0);
    EXPECT_LT(row["bytes_per_iteration"].get<double>(), 1e6);
  }
  // The control set ran in every slot (before and after each category: 5 slots) of each of the 2 processes, 5
  // repetitions each, and the machine and the malloc settings are described in the context.
  for (const char* control : {"control/cpu", "control/memory", "control/syscall"})
    EXPECT_EQ(reps.at(control).size(), 50u) << control;
  const auto& context = (*doc_)["context"];
  EXPECT_THAT(context.value("perfval_malloc", ""), HasSubstr("M_TRIM_THRESHOLD="));
  EXPECT_FALSE(context.value("cpu_model", "").empty());
  EXPECT_EQ(context.value("cpu_cores", ""), std::to_string(context["num_cpus"].get<int>()));
  EXPECT_FALSE(context.value("load_avg_start", "").empty());
  for (const auto& row : reps.at("network/api_latency/ping/manual_time")) {
    EXPECT_GT(row["api_response_time_p50"].get<double>(), 0.0);
    EXPECT_LE(row["api_response_time_p50"].get<double>(), row["api_response_time_p95"].get<double>());
    EXPECT_LE(row["api_response_time_p95"].get<double>(), row["api_response_time_p99"].get<double>());
  }
  for (const auto& row : reps.at("cpu/json_parse/nodes/5000")) EXPECT_GT(row["bytes_per_second"].get<double>(), 1e6);
  for (const auto& row : reps.at("scalability/memory_under_load/5000/real_time"))
    EXPECT_GT(row["peak_rss_bytes"].get<double>(), 1e6);
  // Both regex engines agree on what matches.
  EXPECT_EQ(reps.at("cpu/regex_std/label_filter")[0]["lines_matched"],
            reps.at("cpu/regex_boost/label_filter")[0]["lines_matched"]);
}

// Every baselines entry that names a benchmark finds exactly one run with that counter in a real quick run.
void BenchQuick::check_baseline_entries_map_to_benchmarks() {
  const YAML::Node file = YAML::LoadFile(std::string(PERFVAL_SOURCE_DIR) + "/baselines/performance-baselines.yaml");
  const auto reps = repetitions();
  int checked = 0;
  for (const auto& entry : file) {
    const std::string key = entry.first.as<std::string>();
    if (!entry.second.IsMap()) continue;  // testbed: "...", not an entry
    const YAML::Node source = entry.second["source"];
    if (!source || !source["benchmark"]) continue;
    const std::string bench = source["benchmark"].as<std::string>();
    const std::string counter = source["counter"] ? source["counter"].as<std::string>() : "real_time";
    std::vector<std::string> matches;
    for (const auto& [name, rows] : reps)
      if (name == bench || name.rfind(bench + "/", 0) == 0) matches.push_back(name);
    ASSERT_EQ(matches.size(), 1u) << key << ": " << bench;
    EXPECT_TRUE(reps.at(matches[0])[0].contains(counter)) << key << ": " << matches[0] << " has no " << counter;
    ++checked;
  }
  for (const char* user : {"memory_allocation", "metric_processing", "slurm_api_latency", "gc_pressure"})
    EXPECT_TRUE(file[user]["source"]["benchmark"]) << user << " does not name a benchmark";
  EXPECT_GE(checked, 4);
}

// The regression detector reads the suite's JSON against the shipped baselines: every entry that names a
// benchmark gets a verdict, none is missing data.
void BenchQuick::check_regress_resolves_every_benchmark_baseline() {
  const std::string baselines = std::string(PERFVAL_SOURCE_DIR) + "/baselines/performance-baselines.yaml";
  const auto r = perfval({"regress", "--baseline", baselines, "--current", out_path_});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 99) << r.exit_code << r.err;  // 99: this machine is slower today
  int checked = 0;
  for (const auto& entry : YAML::LoadFile(baselines)) {
    if (!entry.second.IsMap() || !entry.second["source"] || !entry.second["source"]["benchmark"]) continue;
    const std::string key = entry.first.as<std::string>();
    const auto at = r.out.find("\n" + key + " ");
    ASSERT_NE(at, std::string::npos) << key << " not in\n" << r.out;
    const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    EXPECT_THAT(line, ::testing::Not(HasSubstr("missing data"))) << line;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

// ctest runs every test in its own process, so the checks of the one quick run share a single test.
TEST_F(BenchQuick, QuickRunCoversTheSuite) {
  {
    SCOPED_TRACE("all_four_categories_run_without_failures");
    check_all_four_categories_run_without_failures();
  }
  {
    SCOPED_TRACE("console_table_is_grouped_by_category");
    check_console_table_is_grouped_by_category();
  }
  {
    SCOPED_TRACE("processes_and_their_medians");
    check_processes_and_their_medians();
  }
  {
    SCOPED_TRACE("memory_figures_and_rates");
    check_memory_figures_and_rates();
  }
  {
    SCOPED_TRACE("baseline_entries_map_to_benchmarks");
    check_baseline_entries_map_to_benchmarks();
  }
  {
    SCOPED_TRACE("regress_resolves_every_benchmark_baseline");
    check_regress_resolves_every_benchmark_baseline();
  }
}

TEST(BenchCli, UnknownCategoryExitsTwo) {
  const auto r = perfval({"bench", "--category", "memroy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("perfval: error: --category: unknown category \"memroy\" (did you mean \"memory\"?)"));
}

TEST(BenchCli, FilterMatchingNothingExitsTwo) {
  const auto r = perfval({"bench", "--quick", "--category", "cpu", "--benchmark_filter=no_such_benchmark"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("matches no benchmark"));
}

TEST(BenchCli, UnwritableOutExitsTwoBeforeRunning) {
  TempDir dir;
  const std::string file = dir.write("plain", "x");
  const auto r = perfval({"bench", "--quick", "--out", file + "/bench.json"}, 10s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("option --out: cannot create directory " + file));
  EXPECT_EQ(r.out, "");  // nothing ran
}

// SIGTERM (a Kubernetes deadline, `kill`) in the middle of a many-process run: the processes that finished are
// written to --out, marked as fewer than planned, and the run exits 105, not 0 and not with nothing.
TEST(BenchCli, AnInterruptedRunWritesTheProcessesThatFinished) {
  TempDir dir;
  const std::string out = dir.path() + "/bench.json";
  const auto r = perfval::test::run_process({PERFVAL_BIN, "bench", "--category", "cpu", "--processes", "60",
                                            "--benchmark_filter=cpu/metric_parse/1000$", "--benchmark_min_time=0.01",
                                            "--out", out},
                                           // SIGTERM after 15 s, stretched: under TSan no process had finished
                                           // in 15 s, and the test is about the ones that have.
                                           120s, 15s * perfval::test::time_scale(), SIGTERM);
  EXPECT_EQ(r.exit_code, 105) << r.out << r.err;
  ASSERT_TRUE(std::filesystem::exists(out)) << r.err;
  const json doc = json::parse(perfval::read_file(out));
  const int finished = doc["context"]["perfval_processes"].get<int>();
  EXPECT_GE(finished, 1);
  EXPECT_LT(finished, 60);
  EXPECT_EQ(doc["context"]["perfval_processes_planned"], 60);
  std::set<int> processes;
  for (const auto& row : doc["benchmarks"])
    if (row.value("name", "") == "cpu/metric_parse/1000") processes.insert(row["perfval_process"].get<int>());
  EXPECT_EQ(static_cast<int>(processes.size()), finished);
  EXPECT_THAT(r.err, HasSubstr("stopped (exit 105); wrote the " + std::to_string(finished) + " finished to " + out));
}

// A target nobody listens on: every row is an error row naming the cause, the results are still written, and
// the run exits 98 (docs/exit-codes.md) so a CI step does not report a run that measured nothing as a success.
TEST(BenchCli, UnreachableTargetGivesErrorRowsAndExit98) {
  const std::uint16_t port = perfval::test::free_loopback_port();  // nothing listens there
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  TempDir dir;
  const std::string out = dir.path() + "/bench.json";
  const auto r = perfval({"bench", "--quick", "--category", "network", "--target", url,
                          "--processes", "1", "--repetitions", "2",
                          "--benchmark_filter=network/(api_latency|http_throughput)/ping", "--out", out});
  EXPECT_EQ(r.exit_code, 98) << r.err;
  EXPECT_THAT(r.err, HasSubstr("perfval bench: failed: network/api_latency/ping/manual_time (2 repetitions): GET " +
                               url + "/slurm/v0.0.44/ping: connect: Connection refused"));
  EXPECT_THAT(r.err, HasSubstr("perfval bench: 2 of 2 benchmarks failed"));
  const json doc = json::parse(perfval::read_file(out));
  std::size_t rows = 0;  // the control set (control/...) runs whatever the filter and does not fail
  for (const auto& row : doc["benchmarks"]) {
    if (row["run_name"].get<std::string>().rfind("control/", 0) == 0) continue;
    EXPECT_TRUE(row.value("error_occurred", false)) << row.dump();
    ++rows;
  }
  EXPECT_EQ(rows, 4u);
}

// The Kubernetes benchmark Jobs push to a Pushgateway: a real one on loopback receives the suite's gauges.
TEST(BenchCli, PushesResultsToARealPushgateway) {
  const char* gateway_bin = "/usr/bin/prometheus-pushgateway";
  if (::access(gateway_bin, X_OK) != 0) GTEST_SKIP() << "prometheus-pushgateway is not installed (scripts/install-deps.sh)";
  const std::uint16_t port = perfval::test::free_loopback_port();  // nothing listens there
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  perfval::test::Child gateway({gateway_bin, "--web.listen-address=" + listen});
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    try {
      ready = perfval::http::http_request("GET", "http://" + listen + "/-/ready").status == 200;
    } catch (const perfval::http::HttpError&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  ASSERT_TRUE(ready) << "pushgateway did not start on " << listen;
  const auto r = perfval({"bench", "--quick", "--category", "memory", "--benchmark_filter=memory/allocation/",
                          "--repetitions", "2", "--pushgateway", "http://" + listen, "--push-job", "bench-test",
                          "--push-instance", "ci-host"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(" metrics to http://" + listen + " (job=bench-test, instance=ci-host)"));
  const std::string metrics = perfval::http::http_request("GET", "http://" + listen + "/metrics").body;
  EXPECT_THAT(metrics, ::testing::ContainsRegex(
                           "slurm_benchmark_value\\{benchmark=\"memory/allocation/mixed\",counter=\"allocations_per_second\","
                           "instance=\"ci-host\",job=\"bench-test\"\\} [0-9.e+]+"));
  EXPECT_THAT(metrics, HasSubstr("slurm_benchmark_memory_allocs_per_second{instance=\"ci-host\",job=\"bench-test\"}"));
  EXPECT_THAT(metrics, HasSubstr("slurm_last_benchmark_timestamp{instance=\"ci-host\",job=\"bench-test\"}"));
  // A Pushgateway that is gone is a warning: the results and the exit code stand.
  gateway.stop(SIGTERM, 5s);
  const auto down = perfval({"bench", "--quick", "--category", "memory", "--benchmark_filter=memory/allocation/",
                             "--repetitions", "1", "--pushgateway", "http://" + listen});
  EXPECT_EQ(down.exit_code, 0);
  EXPECT_THAT(down.err, HasSubstr("perfval: warning:"));
}

}  // namespace
