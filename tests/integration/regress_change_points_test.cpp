// End-to-end tests of change points: `perfval regress --history` over 90 runs (three levels, spikes, a steady
// trend) in every report format, `perfval changepoints` on a CSV file, and `perfval regress --help`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>

#include "process.hpp"

namespace {

using namespace std::chrono_literals;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using perfval::test::run_process;
using perfval::test::TempDir;

// One Google Benchmark file per run (run-000 ... run-089): benchmark api/p95 in ms, 3 repetitions of
// level(run) with +-2 % noise.
std::string write_history(const TempDir& dir, int runs, const std::function<double(int)>& level) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> noise(-0.02, 0.02);
  for (int run = 0; run < runs; ++run) {
    nlohmann::json rows = nlohmann::json::array();
    for (int rep = 0; rep < 3; ++rep) {
      const double v = level(run) * (1 + noise(rng));
      rows.push_back({{"name", "api/p95"}, {"run_name", "api/p95"}, {"run_type", "iteration"}, {"repetitions", 3},
                      {"repetition_index", rep}, {"iterations", 1}, {"real_time", v}, {"cpu_time", v},
                      {"time_unit", "ms"}});
    }
    char name[32];
    std::snprintf(name, sizeof name, "history/run-%03d", run);
    std::filesystem::create_directories(dir.path() + "/" + name);
    dir.write(std::string(name) + "/bench.json", nlohmann::json{{"benchmarks", rows}}.dump());
  }
  return dir.path() + "/history";
}

struct Result {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

Result perfval(const std::vector<std::string>& args) {
  std::vector<std::string> argv{PERFVAL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run_process(argv, 60s);
  return {r.exit_code, r.out + r.err};
}

nlohmann::json api_row(const std::string& history, const std::string& baselines) {
  const Result r = perfval({"regress", "--baseline", baselines, "--history", history, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  for (const auto& m : doc["metrics"])
    if (m["name"] == "api/p95") return m;
  ADD_FAILURE() << "no api/p95 row in " << r.out;
  return nullptr;
}

class ChangePointsCli : public ::testing::Test {
 protected:
  void SetUp() override { baselines_ = dir_.write("baselines.yaml", "# previous-run and history only\n"); }
  TempDir dir_;
  std::string baselines_;
};

TEST_F(ChangePointsCli, ThreeLevelsGiveTwoChangePointsAndTheLatestFromItsOwnLevel) {
  const std::string history = write_history(dir_, 90, [](int run) { return run < 30 ? 100.0 : run < 60 ? 150.0 : 400.0; });
  const nlohmann::json row = api_row(history, baselines_);
  const auto& cps = row["change_points"];
  ASSERT_EQ(cps.size(), 2u) << row.dump(2);
  EXPECT_EQ(cps[0]["index"], 30);
  EXPECT_EQ(cps[0]["run"], "run-030");
  EXPECT_NEAR(cps[0]["before"].get<double>(), 100, 1);
  EXPECT_NEAR(cps[0]["after"].get<double>(), 150, 1.5);
  EXPECT_EQ(cps[1]["index"], 60);
  EXPECT_EQ(cps[1]["run"], "run-060");
  EXPECT_NEAR(cps[1]["before"].get<double>(), 150, 1.5);  // not 125: the mean of the segment before the split
  EXPECT_NEAR(cps[1]["after"].get<double>(), 400, 4);
  EXPECT_NEAR(cps[1]["change_pct"].get<double>(), 166.7, 3);
  EXPECT_LT(cps[1]["p_value"].get<double>(), 0.001);
  EXPECT_EQ(row["shift_began"], "run-060");
  EXPECT_TRUE(row["drift"].is_null());

  const Result console = perfval({"regress", "--baseline", baselines_, "--history", history});
  EXPECT_EQ(console.exit_code, 0) << console.out;
  // The latest change is reported from 150 ms (its own segment) to 400 ms.
  EXPECT_THAT(console.out, ContainsRegex("change points: run-030 \\(#30\\) (99|100)[.0-9]* ms -> 1(49|50)[.0-9]* ms"));
  EXPECT_THAT(console.out, ContainsRegex(", run-060 \\(#60\\) 1(49|50)[.0-9]* ms -> (39[5-9]|40[0-4])[.0-9]* ms"));
  const Result markdown = perfval({"regress", "--baseline", baselines_, "--history", history, "--format", "markdown"});
  EXPECT_THAT(markdown.out, HasSubstr("change points: run-030 (#30)"));
  EXPECT_THAT(markdown.out, ContainsRegex("run-060 \\(#60\\) 1(49|50)[.0-9]* ms"));
}

TEST_F(ChangePointsCli, FlatHistoryWithThreeSpikesHasNone) {
  const std::string history =
      write_history(dir_, 90, [](int run) { return run == 20 || run == 50 || run == 75 ? 200.0 : 100.0; });
  const nlohmann::json row = api_row(history, baselines_);
  EXPECT_TRUE(row["change_points"].empty()) << row.dump(2);
  EXPECT_TRUE(row["drift"].is_null());
}

TEST_F(ChangePointsCli, SteadyTrendIsADriftNotAChangePoint) {
  const std::string history = write_history(dir_, 90, [](int run) { return 100 * std::pow(1.005, run); });
  const nlohmann::json row = api_row(history, baselines_);
  EXPECT_TRUE(row["change_points"].empty()) << row.dump(2);
  ASSERT_FALSE(row["drift"].is_null());
  EXPECT_EQ(row["drift"]["since_run"], "run-000");
  EXPECT_GT(row["drift"]["total_pct"].get<double>(), 45);
  const Result console = perfval({"regress", "--baseline", baselines_, "--history", history});
  EXPECT_THAT(console.out, HasSubstr("steady drift of +0."));
  EXPECT_THAT(console.out, HasSubstr("per run since run-000"));
  EXPECT_THAT(console.out, Not(HasSubstr("change point")));
}

// Against a baseline after a step: under the default floor one run's evidence, +45 %, is inconclusive, and the
// row says the history alone would tell; on a quiet runner's floor the history's own spread decides.
TEST_F(ChangePointsCli, AStepAgainstTheBaselineIsJudgedByTheHistorysSpreadOnAQuietRunner) {
  const std::string baselines =
      dir_.write("api.yaml", "api: {metric: p95, baseline: 10, tolerance: 20%, unit: ms, source: {benchmark: api/p95}}\n");
  const std::string history = write_history(dir_, 14, [](int run) { return run < 8 ? 10.0 : 14.5; });
  const auto api = [&](std::vector<std::string> extra, int expected_exit) {
    std::vector<std::string> argv{PERFVAL_BIN, "regress", "--baseline", baselines, "--history", history, "--format", "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = run_process(argv, 60s);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);  // bound: a loop over a temporary's member dangles
    for (const auto& m : doc["metrics"])
      if (m["name"] == "api") return m;
    ADD_FAILURE() << "no api row in " << r.out;
    return nlohmann::json();
  };
  const nlohmann::json by_default = api({}, 0);
  EXPECT_EQ(by_default["verdict"], "inconclusive") << by_default.dump(2);
  EXPECT_THAT(by_default["reason"].get<std::string>(), HasSubstr("below the ±20% floor"));
  EXPECT_EQ(by_default["change_points"].size(), 1u);
  const nlohmann::json quiet = api({"--noise-floor", "3"}, 99);
  EXPECT_EQ(quiet["verdict"], "regressed") << quiet.dump(2);
}

TEST_F(ChangePointsCli, ChangepointsCommandReadsADataFile) {
  std::string csv = "timestamp,latency_ms,errors\n";
  for (int i = 0; i < 60; ++i)
    csv += std::to_string(1767225600 + 3600 * i) + "," + (i < 40 ? "20" : "31") + "." + std::to_string(i % 7) + "," +
           std::to_string(i % 3) + "\n";
  const std::string data = dir_.write("series.csv", csv);
  const Result r = perfval({"changepoints", "--data", data, "--column", "latency_ms", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["schema"], "perfval/changepoints/v1");
  ASSERT_EQ(doc["series"].size(), 1u);
  const auto& cps = doc["series"][0]["change_points"];
  ASSERT_EQ(cps.size(), 1u) << r.out;
  EXPECT_EQ(cps[0]["index"], 40);
  EXPECT_EQ(cps[0]["time"], "2026-01-02T16:00:00Z");
  const Result console = perfval({"changepoints", "--data", data});
  EXPECT_THAT(console.out, HasSubstr("latency_ms (60 points): 1 change point\n  #40  2026-01-02T16:00:00Z"));
  EXPECT_THAT(console.out, HasSubstr("errors (60 points): no change point"));
  const Result bad = perfval({"changepoints", "--data", data, "--column", "latency"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.out, HasSubstr("no column \"latency\""));
}

TEST(RegressHelp, UsageNamesTheCommandOnce) {
  const Result r = perfval({"regress", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: perfval regress --baseline FILE"));
  EXPECT_THAT(r.out, Not(HasSubstr("perfval regress perfval regress")));
}

}  // namespace
