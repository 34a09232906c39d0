// scenarios/slurmrestd.yaml as users run it: against a real slurmrestd on its Unix socket (scripts/slurm-local.sh),
// and over TCP against `perfval serve` (whose mock speaks v0.0.38): every request 200, every check passing,
// the thresholds met, and nothing of the cluster left running afterwards.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/process.hpp"
#include "integration/slurm_local.hpp"

namespace {

using nlohmann::json;
using perfval::test::ProcessResult;
using perfval::test::RealSlurm;
using perfval::test::TempDir;
using namespace std::chrono_literals;

const std::string kScenario = std::string(PERFVAL_SOURCE_DIR) + "/scenarios/slurmrestd.yaml";
const char* const kEndpoints[] = {"ping", "nodes", "jobs", "diag"};

struct ScenarioRun {
  ProcessResult process;
  json summary;
};

// `perfval run scenarios/slurmrestd.yaml` for 3 s with 2 VUs; `target_env` says where (SLURMRESTD_...=VALUE).
ScenarioRun run_scenario(const std::string& target_env, const TempDir& out) {
  ScenarioRun r;
  r.process = perfval::test::run_process({"/usr/bin/env", target_env, "VUS=2", "DURATION=3s", PERFVAL_BIN, "run",
                                          kScenario, "--out", out.path() + "/out"},
                                         120s);
  std::ifstream in(out.path() + "/out/summary.json");
  if (in) r.summary = json::parse(in, nullptr, false);
  return r;
}

// Every endpoint was requested and answered 200 only; no request failed; every check of every response passed.
void expect_all_ok(const ScenarioRun& r) {
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  ASSERT_TRUE(r.summary.is_object()) << "no summary.json";
  const auto& metrics = r.summary.at("metrics");
  const auto requests = metrics.at("http_reqs").at("count").get<std::uint64_t>();
  EXPECT_GT(requests, 8u);
  EXPECT_EQ(r.summary.at("status_codes"), (json{{"200", requests}})) << r.summary.at("status_codes");
  EXPECT_EQ(metrics.at("http_req_failed").at("passes").get<std::uint64_t>(), 0u);
  EXPECT_EQ(metrics.at("checks").at("rate").get<double>(), 1.0);
  EXPECT_GT(metrics.at("checks").at("passes").get<std::uint64_t>(), 2 * requests);  // >= 3 checks per request
  for (const char* name : kEndpoints) {
    bool seen = false;
    for (const auto& req : r.summary.at("raw").at("requests")) {
      if (req.at("name") != name) continue;
      seen = true;
      EXPECT_GT(req.at("requests").get<std::uint64_t>(), 0u) << name;
      EXPECT_EQ(req.at("status"), (json{{"200", req.at("requests")}})) << name;
    }
    EXPECT_TRUE(seen) << name;
  }
  for (const auto& t : r.summary.at("thresholds")) EXPECT_TRUE(t.at("ok").get<bool>()) << t.dump();
  EXPECT_NE(r.process.out.find("\u2713 jobs.json"), std::string::npos) << r.process.out;
}

TEST_F(RealSlurm, SlurmrestdScenarioOnTheRealSocketAnswersEveryRequestAndPassesEveryCheck) {
  ASSERT_FALSE(socket_.empty());
  TempDir out;
  const ScenarioRun r = run_scenario("SLURMRESTD_SOCKET=" + socket_, out);
  expect_all_ok(r);
  stop_and_expect_nothing_left();
}

TEST(SlurmScenario, TheSameFileRunsOverTcpAgainstTheV0038Mock) {
  perfval::test::Child serve({PERFVAL_BIN, "serve", "--listen", "127.0.0.1:0", "--nodes", "200", "--threads", "1"});
  const std::string url = perfval::test::serve_url(serve, 30s);
  ASSERT_FALSE(url.empty());
  TempDir out;
  expect_all_ok(run_scenario("SLURMRESTD_URL=" + url, out));
  EXPECT_EQ(serve.stop(SIGTERM, 20s), 0);
}

}  // namespace
