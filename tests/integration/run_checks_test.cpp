// `perfval run` with response checks against the embedded target (what `perfval serve` runs): the `checks`
// Rate and checks{check:...} in summary.json and thresholds, k6's ✓/✗ list in the console, and a failed check
// that does not make the request failed.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "process.hpp"

namespace {
using nlohmann::json;
using namespace std::chrono_literals;

struct Result {
  perfval::test::ProcessResult process;
  json summary;
};

Result run_checks(const std::string& checks, const std::string& thresholds) {
  perfval::test::TempDir dir;
  const std::string file = dir.write(
      "s.yaml", "name: checks\ntarget: {embedded: {nodes: 40, threads: 1}}\n"
                "requests:\n  - name: metrics\n    path: /metrics\n    checks:\n" + checks +
                    "executor: constant-vus\nvus: 2\nduration: 2s\nthink_time: 20ms\nthresholds:\n" + thresholds);
  Result r;
  r.process = perfval::test::run_process({PERFVAL_BIN, "run", file, "--out", dir.path() + "/out"}, 60s);
  std::ifstream in(dir.path() + "/out/summary.json");
  if (in) r.summary = json::parse(in);
  return r;
}

const json& metric(const json& s, const std::string& name) { return s.at("metrics").at(name); }

TEST(RunChecks, PassingChecksHaveRateOneAndExitZero) {
  const auto r = run_checks("      status: 200\n      body_contains: [\"slurm_nodes\"]\n"
                            "      prometheus: {families: [slurm_nodes], min_series: {slurm_node_state: 40}}\n",
                            "  checks: [\"rate==1\"]\n  \"checks{check:metrics.prometheus}\": [\"rate>0.99\"]\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  const auto requests = metric(r.summary, "http_reqs").at("count").get<std::uint64_t>();
  EXPECT_GT(requests, 10u);
  EXPECT_EQ(metric(r.summary, "checks").at("rate").get<double>(), 1.0);
  EXPECT_EQ(metric(r.summary, "checks").at("passes").get<std::uint64_t>(), 3 * requests);  // 3 checks per response
  EXPECT_EQ(metric(r.summary, "checks{check:metrics.status}").at("passes").get<std::uint64_t>(), requests);
  EXPECT_NE(r.process.out.find("\u2713 metrics.status"), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.out.find("\u2713 metrics.prometheus"), std::string::npos) << r.process.out;
}

TEST(RunChecks, AFailingBodyCheckFailsTheChecksThresholdNotTheRequests) {
  const auto r = run_checks("      status: 200\n      body_contains: [\"no_such_family_here\"]\n",
                            "  checks: [\"rate>0.99\"]\n  http_req_failed: [\"rate==0\"]\n");
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  ASSERT_FALSE(r.summary.is_null());
  const auto requests = metric(r.summary, "http_reqs").at("count").get<std::uint64_t>();
  EXPECT_GT(requests, 10u);
  EXPECT_DOUBLE_EQ(metric(r.summary, "checks").at("rate").get<double>(), 0.5);  // status passes, body fails
  EXPECT_EQ(metric(r.summary, "checks{check:metrics.body_contains}").at("fails").get<std::uint64_t>(), requests);
  EXPECT_EQ(metric(r.summary, "http_req_failed").at("passes").get<std::uint64_t>(), 0u);  // no request failed
  bool checks_failed = false, failed_ok = false;
  for (const auto& t : r.summary.at("thresholds")) {
    if (t.at("metric") == "checks") checks_failed = !t.at("ok").get<bool>();
    if (t.at("metric") == "http_req_failed") failed_ok = t.at("ok").get<bool>();
  }
  EXPECT_TRUE(checks_failed);
  EXPECT_TRUE(failed_ok);
  EXPECT_NE(r.process.out.find("\u2713 metrics.status"), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.out.find("\u2717 metrics.body_contains"), std::string::npos) << r.process.out;
  EXPECT_NE(r.summary.at("check_failure_example").get<std::string>().find("no_such_family_here"), std::string::npos)
      << r.summary.at("check_failure_example");
}

}  // namespace
