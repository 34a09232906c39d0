// End-to-end tests of `perfval regress`: real files in, exit codes and reports out.
// The benchmark runs are Google Benchmark JSON files written by the test in the tool's own shape with 5
// repetitions; wiring two real `perfval bench --quick` runs in is left to the benchmark suite's tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int exit_code = -1;  // process exit status
  std::string output;  // stdout and stderr together
};

CliRun perfval(const std::string& args) {
  const std::string cmd = std::string(PERFVAL_BIN) + " regress " + args + " 2>&1";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Google Benchmark JSON for a few benchmarks, 5 repetitions each (CV about 3 %), plus mean/median/stddev rows.
void write_bench(const fs::path& path, double slowdown, std::uint64_t seed, const std::string& cpu_model = "") {
  struct B { const char* name; double ns; const char* counter; };
  const std::array<B, 4> benches{{{"memory/allocation/1024", 120, "allocations_per_second"},
                                  {"cpu/metric_processing/1000", 15000, "metrics_processed_per_second"},
                                  {"network/http_get/keepalive", 48000, nullptr},
                                  {"scalability/nodes/5000", 2.5e6, nullptr}}};
  std::mt19937_64 rng(seed);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t f = 0; f < benches.size(); ++f) {
    const B& b = benches[f];
    std::normal_distribution<double> noise(b.ns * slowdown, b.ns * 0.03);
    double sum = 0;
    for (int rep = 0; rep < 5; ++rep) {
      const double t = noise(rng);
      sum += t;
      nlohmann::json row{{"name", b.name}, {"family_index", f}, {"per_family_instance_index", 0},
                         {"run_name", b.name}, {"run_type", "iteration"}, {"repetitions", 5},
                         {"repetition_index", rep}, {"threads", 1}, {"iterations", 1000},
                         {"real_time", t}, {"cpu_time", t * 0.97}, {"time_unit", "ns"}};
      if (b.counter) row[b.counter] = 1e9 / t;
      rows.push_back(row);
    }
    for (const char* agg : {"mean", "median", "stddev"}) {
      const double v = std::string(agg) == "stddev" ? b.ns * 0.03 : sum / 5;
      rows.push_back({{"name", std::string(b.name) + "_" + agg}, {"run_name", b.name}, {"run_type", "aggregate"},
                      {"repetitions", 5}, {"threads", 1}, {"aggregate_name", agg}, {"iterations", 5},
                      {"real_time", v}, {"cpu_time", v}, {"time_unit", "ns"}});
    }
  }
  const nlohmann::json doc{{"context", {{"date", "2026-11-22T10:00:00+00:00"}, {"host_name", "ci"}, {"num_cpus", 2},
                                        {"mhz_per_cpu", 2400}, {"cpu_scaling_enabled", false},
                                        {"library_build_type", "release"}}},
                           {"benchmarks", rows}};
  nlohmann::json with_model = doc;
  if (!cpu_model.empty()) with_model["context"]["cpu_model"] = cpu_model;  // as perfval bench records it
  fs::create_directories(path.parent_path());
  std::ofstream(path) << with_model.dump(2);
}

void write_summary(const fs::path& path, double p95_ms, double rps, double error_rate, int nodes) {
  nlohmann::json ts = nlohmann::json::array();
  for (int t = 1; t <= 10; ++t)
    ts.push_back({{"t", t}, {"requests", rps}, {"rps", rps}, {"p50", p95_ms / 2}, {"p95", p95_ms + (t % 3)},
                  {"p99", p95_ms * 2}, {"errors", 0}, {"vus", 10}});
  const nlohmann::json doc{
      {"schema", "perfval/summary/v1"}, {"status", "passed"}, {"aborted", false},
      {"scenario", {{"file", "scenarios/baseline.yaml"}, {"name", "baseline"}, {"description", "steady"}}},
      {"started_at", "2026-11-22T10:00:00Z"}, {"duration_s", 10.0},
      {"metrics", {{"http_reqs", {{"type", "counter"}, {"count", rps * 10}, {"rate", rps}}},
                   {"http_req_duration", {{"type", "trend"}, {"avg", p95_ms / 2}, {"med", p95_ms / 2},
                                          {"p(95)", p95_ms}, {"p(99)", p95_ms * 2}}},
                   {"http_req_failed", {{"type", "rate"}, {"rate", error_rate}}}}},
      {"thresholds", nlohmann::json::array()}, {"timeseries", ts},
      {"resources", {{"memory_bytes", 200e6}, {"cpu_cores", 0.4}}},
      {"target", {{"nodes", nodes}}}};
  fs::create_directories(path.parent_path());
  std::ofstream(path) << doc.dump(1);
}

class RegressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfval_regress_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    baselines_ = dir_ / "baselines.yaml";
    std::ofstream(baselines_) << "# kept comment\n"
                                 "memory_allocation: {metric: allocations_per_second, baseline: 8000000, tolerance: 10%, unit: allocs/sec}\n"
                                 "metric_processing: {metric: metrics_processed_per_second, baseline: 66000, tolerance: 15%, unit: metrics/sec}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string base() const { return "--baseline " + baselines_.string(); }
  fs::path dir_, baselines_;
};

TEST_F(RegressCli, TwoComparableBenchmarkRunsPass) {
  write_bench(dir_ / "a.json", 1.0, 1);
  write_bench(dir_ / "b.json", 1.0, 2);
  const CliRun r = perfval(base() + " --current " + (dir_ / "b.json").string() + " --previous " + (dir_ / "a.json").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PASS: no regression"));
  EXPECT_THAT(r.output, HasSubstr("scalability/nodes/5000"));
}

TEST_F(RegressCli, ThreeTimesAsSlowRunFailsWithAMarkdownReportNamingTheBenchmarks) {
  write_bench(dir_ / "a.json", 1.0, 1);
  write_bench(dir_ / "slow.json", 3.0, 3);
  const fs::path md = dir_ / "out" / "regress.md";
  const CliRun r = perfval(base() + " --current " + (dir_ / "slow.json").string() + " --previous " +
                        (dir_ / "a.json").string() + " --format markdown --report " + md.string());
  EXPECT_EQ(r.exit_code, 99) << r.output;
  const std::string report = slurp(md);
  EXPECT_THAT(report, HasSubstr("FAIL"));
  for (const char* name : {"memory/allocation/1024", "cpu/metric_processing/1000", "network/http_get/keepalive",
                           "scalability/nodes/5000"})
    EXPECT_THAT(report, HasSubstr("- **" + std::string(name) + "**: regressed")) << name;
  EXPECT_THAT(r.output, HasSubstr("report written to"));
}

TEST_F(RegressCli, ThirtyPercentFromTwoRunsIsInconclusiveUnlessToldToFail) {
  // Two single runs cannot tell 30 % from a machine that was slower for the whole run (docs/regression.md).
  write_bench(dir_ / "a.json", 1.0, 1);
  write_bench(dir_ / "slow.json", 1.3, 3);
  const std::string args = base() + " --current " + (dir_ / "slow.json").string() + " --previous " + (dir_ / "a.json").string();
  const CliRun pass = perfval(args);
  EXPECT_EQ(pass.exit_code, 0) << pass.output;
  EXPECT_THAT(pass.output, AllOf(HasSubstr("inconclusive"), HasSubstr("warning: 6 metrics are inconclusive"),
                                 HasSubstr("runs of several processes (perfval bench --processes, go test -count) or an interleaved A/B (perfval compare)")));
  const CliRun fail = perfval(args + " --inconclusive fail");
  EXPECT_EQ(fail.exit_code, 99) << fail.output;
  EXPECT_THAT(fail.output, HasSubstr("FAIL: 6 inconclusive (of 6 metrics)"));
  // Trusting the repetitions alone (no run-to-run floor), the same files regress.
  EXPECT_EQ(perfval(args + " --noise-floor 0").exit_code, 99);
  EXPECT_THAT(perfval(args + " --inconclusive maybe").output, HasSubstr("--inconclusive: expected pass or fail"));
}

TEST_F(RegressCli, JunitAndJsonFormats) {
  write_bench(dir_ / "a.json", 1.0, 1);
  write_bench(dir_ / "slow.json", 3.0, 3);
  const std::string args = base() + " --current " + (dir_ / "slow.json").string() + " --previous " + (dir_ / "a.json").string();
  const CliRun junit = perfval(args + " --format junit");
  EXPECT_EQ(junit.exit_code, 99);
  EXPECT_THAT(junit.output, HasSubstr("<failure type=\"regressed\""));
  const CliRun json = perfval(args + " --format json --report " + (dir_ / "r.json").string());
  EXPECT_EQ(json.exit_code, 99);
  const auto doc = nlohmann::json::parse(slurp(dir_ / "r.json"));
  EXPECT_EQ(doc["schema"], "perfval/regress/v1");
  EXPECT_GE(doc["counts"]["regressed"].get<int>(), 4);
}

TEST_F(RegressCli, HistoryOfIsoWeeksWithAGap) {
  for (int w = 40; w <= 47; ++w) {
    if (w == 44) continue;  // a week without a run
    write_bench(dir_ / "results" / ("2026-W" + std::to_string(w)) / "bench.json", 1.0, static_cast<std::uint64_t>(w));
  }
  const CliRun r = perfval(base() + " --history " + (dir_ / "results").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("2026-W47 vs 2026-W46"));
  EXPECT_THAT(r.output, HasSubstr("history gap: 1 week without a run between 2026-W43 and 2026-W45"));
}

TEST_F(RegressCli, SlaBreachFromASummaryFailsTheGate) {
  write_summary(dir_ / "run" / "summary.json", 2500, 150, 0.001, 500);
  const CliRun r = perfval(base() + " --current " + (dir_ / "run").string() + " --format junit --report " +
                        (dir_ / "junit.xml").string());
  EXPECT_EQ(r.exit_code, 99) << r.output;
  EXPECT_THAT(r.output, HasSubstr("SLA tier: small"));
  EXPECT_THAT(slurp(dir_ / "junit.xml"), HasSubstr("<failure type=\"sla_breach\""));
  write_summary(dir_ / "ok" / "summary.json", 1500, 150, 0.001, 500);
  EXPECT_EQ(perfval(base() + " --current " + (dir_ / "ok").string()).exit_code, 0);
}

TEST_F(RegressCli, BadInputExitsTwoNamingTheFile) {
  std::ofstream(dir_ / "broken.json") << "{\n  \"benchmarks\": [\n    {\"name\": 1,,}\n";
  CliRun r = perfval(base() + " --current " + (dir_ / "broken.json").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, AllOf(HasSubstr("perfval: error: "), HasSubstr("broken.json:3:"), HasSubstr("malformed JSON")));

  std::ofstream(dir_ / "bad.yaml") << "x: {metric: m, baseline: 1, tolerance: 5%, unit: ms, direction: sideways}\n";
  write_bench(dir_ / "a.json", 1.0, 1);
  r = perfval("--baseline " + (dir_ / "bad.yaml").string() + " --current " + (dir_ / "a.json").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, AllOf(HasSubstr("bad.yaml:1:"), HasSubstr("x.direction")));

  r = perfval(base() + " --current " + (dir_ / "missing.json").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("missing.json: no such file"));

  fs::create_directories(dir_ / "empty");
  r = perfval(base() + " --history " + (dir_ / "empty").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("empty history"));

  r = perfval(base() + " --current " + (dir_ / "a.json").string() + " --format pdf");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown report format"));
}

TEST_F(RegressCli, NothingJudgedExitsTwo) {
  std::ofstream(baselines_) << "x: {metric: widgets_per_second, baseline: 5, tolerance: 5%, unit: widgets/sec}\n";
  write_bench(dir_ / "a.json", 1.0, 1);
  const CliRun r = perfval(base() + " --current " + (dir_ / "a.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, AllOf(HasSubstr("no input provides metric widgets_per_second"), HasSubstr("nothing could be judged")));
}

TEST_F(RegressCli, UpdateBaselineWritesMeasuredValuesKeepingTheFile) {
  write_bench(dir_ / "a.json", 1.0, 1);
  const CliRun r = perfval(base() + " --current " + (dir_ / "a.json").string() + " --update-baseline");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("updated 2 of 2 baselines"));
  const std::string text = slurp(baselines_);
  EXPECT_THAT(text, HasSubstr("# kept comment\n"));
  EXPECT_THAT(text, Not(HasSubstr("baseline: 8000000,")));
  EXPECT_THAT(text, HasSubstr("memory_allocation: {metric: allocations_per_second, baseline: "));
  // The updated file gates the same run cleanly.
  EXPECT_EQ(perfval(base() + " --current " + (dir_ / "a.json").string()).exit_code, 0);
}

TEST_F(RegressCli, BaselinesCarryTheirTestbedAndDoNotFailOnAnotherMachine) {
  write_bench(dir_ / "here.json", 1.0, 1, "AMD EPYC 7B13");
  const CliRun update = perfval(base() + " --current " + (dir_ / "here.json").string() + " --update-baseline");
  EXPECT_EQ(update.exit_code, 0) << update.output;
  EXPECT_THAT(update.output, HasSubstr("testbed: AMD EPYC 7B13, 2 cores"));
  EXPECT_THAT(slurp(baselines_), HasSubstr("testbed: \"AMD EPYC 7B13, 2 cores\""));
  // Three times as slow on another machine: the absolute entries are shown, not judged, unless --strict-testbed.
  write_bench(dir_ / "laptop.json", 3.0, 2, "Intel Core i5-8250U");
  const std::string args = base() + " --current " + (dir_ / "laptop.json").string();
  const CliRun other = perfval(args);
  EXPECT_EQ(other.exit_code, 0) << other.output;
  EXPECT_THAT(other.output, AllOf(HasSubstr("baseline measured on another machine"),
                                  HasSubstr("2 baseline entries were measured on another machine (AMD EPYC 7B13, 2 "
                                            "cores; this run: Intel Core i5-8250U, 2 cores)")));
  EXPECT_EQ(perfval(args + " --strict-testbed").exit_code, 99);
  write_bench(dir_ / "slow-here.json", 3.0, 3, "AMD EPYC 7B13");
  EXPECT_EQ(perfval(base() + " --current " + (dir_ / "slow-here.json").string()).exit_code, 99);
}

TEST_F(RegressCli, ALoadTestIsNotJudgedAgainstBenchmarkEntries) {
  write_summary(dir_ / "load" / "summary.json", 100, 150, 0.001, 500);
  const CliRun r = perfval("--baseline " + std::string(PERFVAL_SOURCE_DIR) + "/baselines/performance-baselines.yaml" +
                           " --current " + (dir_ / "load").string() + " --format json --report " + (dir_ / "r.json").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("baseline entries do not apply to this run: they read benchmark results and load has none"));
  EXPECT_THAT(r.output, Not(HasSubstr("json_serialize_nodes_5k")));  // no row per inapplicable entry
  const auto doc = nlohmann::json::parse(slurp(dir_ / "r.json"));
  EXPECT_GE(doc["inapplicable"]["count"].get<int>(), 20);
  EXPECT_EQ(doc["inapplicable"]["entries"].size(), doc["inapplicable"]["count"].get<std::size_t>());
  bool load_entry = false;
  for (const auto& m : doc["metrics"]) load_entry = load_entry || m["name"] == "slurm_api_latency_load";
  EXPECT_TRUE(load_entry);
}

TEST_F(RegressCli, FailedSlackPostIsReportedWithoutTheUrlAndKeepsTheVerdict) {
  write_bench(dir_ / "a.json", 1.0, 1);
  write_bench(dir_ / "slow.json", 3.0, 3);
  // Port 9 (discard) on loopback: nothing listens in a test environment, so every attempt is refused fast.
  ::setenv("SLACK_WEBHOOK_URL", "https://127.0.0.1:9/services/T1/B2/SECRETcli", 1);
  const CliRun r = perfval(base() + " --current " + (dir_ / "slow.json").string() + " --previous " +
                        (dir_ / "a.json").string() + " --slack");
  ::unsetenv("SLACK_WEBHOOK_URL");
  EXPECT_EQ(r.exit_code, 99);
  EXPECT_THAT(r.output, AllOf(HasSubstr("warning: slack"), HasSubstr("gate result is unchanged"), Not(HasSubstr("SECRETcli"))));
  const CliRun missing = perfval(base() + " --current " + (dir_ / "a.json").string() + " --slack");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("SLACK_WEBHOOK_URL"));
}

}  // namespace
