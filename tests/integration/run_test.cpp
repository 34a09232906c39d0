// End-to-end tests of `perfval run` against the embedded target on loopback: every executor, injected faults,
// exit codes, interruption and unreachable targets. Each run lasts a few seconds and stops by itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sched.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "process.hpp"

namespace {
using nlohmann::json;
using perfval::test::run_process;
using perfval::test::TempDir;
using namespace std::chrono_literals;

struct Run {
  perfval::test::ProcessResult process;
  json summary;  // null when no summary was written
};

Run run_scenario(const TempDir& dir, const std::string& yaml, std::vector<std::string> extra = {},
                 std::chrono::milliseconds signal_after = 0ms) {
  const std::string file = dir.write("scenario.yaml", yaml);
  std::vector<std::string> argv = {PERFVAL_BIN, "run", file, "--quiet", "--out", dir.path() + "/out"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Run r;
  r.process = run_process(argv, 90s, signal_after);
  std::ifstream in(dir.path() + "/out/summary.json");
  if (in) r.summary = json::parse(in);
  return r;
}

double metric(const json& s, const std::string& name, const std::string& field) {
  return s.at("metrics").at(name).at(field).get<double>();
}

const char* kTarget = "target: {embedded: {nodes: 50, threads: 1}}\n";
const char* kMix = "requests:\n  - {name: health, path: /health, weight: 3}\n  - {name: ping, path: /slurm/v0.0.44/ping, weight: 1}\n";

TEST(RunExecutors, ConstantVusLoopsWithThinkTime) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: cv\n") + kTarget + kMix +
                                       "think_time: 100ms\nexecutor: constant-vus\nvus: 4\nduration: 3s\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  // 4 VUs, each one request per ~100 ms think time (local responses take well under 10 ms): ~120 in 3 s.
  const double count = metric(r.summary, "http_reqs", "count");
  EXPECT_GE(count, 90);
  EXPECT_LE(count, 124);
  // The 3:1 weighted mix is exact up to one round.
  const double health = metric(r.summary, "http_reqs{name:health}", "count");
  const double ping = metric(r.summary, "http_reqs{name:ping}", "count");
  EXPECT_NEAR(health, 3 * ping, 4 * 4);
  EXPECT_EQ(metric(r.summary, "vus_max", "value"), 4);
  EXPECT_NE(r.process.out.find("✅ LOAD TEST PASSED"), std::string::npos);
  EXPECT_EQ(r.process.out.find("LOAD TEST FAILED"), std::string::npos);
}

TEST(RunExecutors, RampingVusFollowsTheStages) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: rv\n") + kTarget + kMix +
                                       "think_time: 50ms\nexecutor: ramping-vus\nstartVUs: 0\n"
                                       "stages: [{duration: 2s, target: 6}, {duration: 2s, target: 6}, {duration: 1s, target: 0}]\n"
                                       "gracefulRampDown: 1s\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  EXPECT_EQ(metric(r.summary, "vus_max", "value"), 6);
  const auto& series = r.summary.at("timeseries");
  ASSERT_GE(series.size(), 4u);
  // t=1 s: half way up the first ramp (3 VUs); t=3 s: on the plateau (6 VUs).
  EXPECT_NEAR(series[0].at("vus").get<double>(), 3, 1);
  EXPECT_EQ(series[2].at("vus").get<int>(), 6);
  EXPECT_GT(series[2].at("requests").get<int>(), series[0].at("requests").get<int>());
}

TEST(RunExecutors, ConstantArrivalRateHoldsTheRate) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: car\n") + kTarget + kMix +
                                       "executor: constant-arrival-rate\nrate: 200\ntimeUnit: 1s\nduration: 3s\n"
                                       "preAllocatedVUs: 20\nmaxVUs: 50\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  // 200/s for 3 s is exactly 600 scheduled iterations; every one is started or counted as dropped.
  const double count = metric(r.summary, "http_reqs", "count");
  const double dropped = metric(r.summary, "dropped_iterations", "count");
  EXPECT_EQ(count + dropped, 600);
  EXPECT_LE(dropped, 6);
  // Per-second counts stay within 10 % of the rate in the full seconds.
  const auto& series = r.summary.at("timeseries");
  for (std::size_t i = 0; i + 1 < series.size() && i < 3; ++i) {
    EXPECT_NEAR(series[i].at("requests").get<double>(), 200, 20) << "second " << i + 1;
  }
  EXPECT_TRUE(r.summary.at("metrics").contains("http_req_duration_uncorrected"));
}

TEST(RunExecutors, RampingArrivalRateSchedulesTheIntegral) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: rar\n") + kTarget + kMix +
                                       "executor: ramping-arrival-rate\nstartRate: 0\ntimeUnit: 1s\n"
                                       "stages: [{duration: 2s, target: 200}, {duration: 1s, target: 200}]\n"
                                       "preAllocatedVUs: 20\nmaxVUs: 50\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  // 0 -> 200/s over 2 s (200 iterations) then 200/s for 1 s (200): 400 in all.
  const double count = metric(r.summary, "http_reqs", "count");
  const double dropped = metric(r.summary, "dropped_iterations", "count");
  EXPECT_EQ(count + dropped, 400);
  const auto& series = r.summary.at("timeseries");
  ASSERT_GE(series.size(), 3u);
  EXPECT_NEAR(series[0].at("requests").get<double>(), 50, 10);   // integral of the ramp over [0,1 s)
  EXPECT_NEAR(series[1].at("requests").get<double>(), 150, 15);  // over [1,2 s)
}

TEST(RunExecutors, PerVuIterationsRunsExactlyThatMany) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: pvi\n") + kTarget + kMix +
                                       "executor: per-vu-iterations\nvus: 3\niterations: 7\nmaxDuration: 20s\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  EXPECT_EQ(metric(r.summary, "http_reqs", "count"), 21);
  EXPECT_EQ(metric(r.summary, "iterations", "count"), 21);
  EXPECT_LT(r.summary.at("duration_s").get<double>(), 10);  // ends when done, not at maxDuration
}

TEST(RunExecutors, SharedIterationsRunsExactlyThatMany) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: si\n") + kTarget + kMix +
                                       "executor: shared-iterations\nvus: 3\niterations: 50\nmaxDuration: 20s\n",
                              {"--threads", "2"});
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  EXPECT_EQ(metric(r.summary, "http_reqs", "count"), 50);
}

TEST(RunExecutors, MoreThreadsThanVusDropNothing) {
  TempDir dir;
  // One VU and eight requested threads: a thread owning arrivals but no VU would drop every one of them.
  const auto r = run_scenario(dir, std::string("name: pool\n") + kTarget + kMix +
                                       "executor: constant-arrival-rate\nrate: 20\nduration: 2s\n"
                                       "preAllocatedVUs: 1\nmaxVUs: 1\n",
                              {"--threads", "8"});
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  EXPECT_EQ(metric(r.summary, "http_reqs", "count"), 40);
  EXPECT_EQ(metric(r.summary, "dropped_iterations", "count"), 0);
}

TEST(RunFaults, InjectedErrorRateShowsInHttpReqFailed) {
  TempDir dir;
  const auto r = run_scenario(dir,
                              "name: errors\ntarget: {embedded: {nodes: 20, error_rate: 0.2, threads: 1}}\n"
                              "requests: [{name: ping, path: /slurm/v0.0.44/ping}]\n"
                              "executor: constant-arrival-rate\nrate: 1000\nduration: 3s\npreAllocatedVUs: 20\nmaxVUs: 100\n"
                              "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  const double failed = metric(r.summary, "http_req_failed", "rate");
  // 3000 requests at p = 0.2: sigma = sqrt(0.16/3000) = 0.0073; allow 4 sigma.
  EXPECT_NEAR(failed, 0.2, 0.03);
  EXPECT_NEAR(metric(r.summary, "availability", "rate"), 0.8, 0.03);  // HTTP 500 is unavailability
  EXPECT_GT(r.summary.at("status_codes").at("500").get<int>(), 0);
  EXPECT_NE(r.process.out.find("❌ LOAD TEST FAILED"), std::string::npos);
  EXPECT_EQ(r.process.out.find("LOAD TEST PASSED"), std::string::npos);
  EXPECT_EQ(r.summary.at("status"), "failed");
}

TEST(RunFaults, StallShowsInCorrectedTailNotInUncorrectedMedian) {
  TempDir dir;
  // Responses freeze for 400 ms every 2 s; the pool is small enough that arrivals queue during a stall.
  const auto r = run_scenario(dir,
                              "name: stall\ntarget: {embedded: {nodes: 20, stall: 400ms/2s, threads: 1}}\n"
                              "requests: [{name: health, path: /health}]\n"
                              "executor: constant-arrival-rate\nrate: 200\nduration: 4s\npreAllocatedVUs: 10\nmaxVUs: 10\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  const double corrected_p99 = metric(r.summary, "http_req_duration", "p(99)");
  const double uncorrected_p50 = metric(r.summary, "http_req_duration_uncorrected", "med");
  EXPECT_GT(corrected_p99, 200.0) << "ms";
  EXPECT_LT(uncorrected_p50, 50.0) << "ms";
}

TEST(RunExitCodes, BadScenarioIsUsageError) {
  TempDir dir;
  const auto r = run_scenario(dir, "name: bad\nexector: constant-vus\n");
  EXPECT_EQ(r.process.exit_code, 2);
  EXPECT_NE(r.process.err.find("scenario.yaml:2:1"), std::string::npos) << r.process.err;
  EXPECT_NE(r.process.err.find("did you mean \"executor\""), std::string::npos) << r.process.err;
  EXPECT_TRUE(r.summary.is_null());
}

TEST(RunExitCodes, ARunThatMeasuredNothingIsNeverAPass) {
  TempDir dir;
  // No threshold to fail, but the one request is still waiting for its 5-s answer when the 1-s run ends:
  // nothing was measured, so the run must not pass.
  const auto r = run_scenario(dir, "name: empty\ntarget: {embedded: {nodes: 10, threads: 1, latency: \"fixed:5s\"}}\n"
                                   "requests: [{name: h, path: /health}]\n"
                                   "executor: constant-vus\nvus: 1\nduration: 1s\ngracefulStop: 0s\n");
  EXPECT_EQ(r.process.exit_code, 98) << r.process.out << r.process.err;
  EXPECT_NE(r.process.err.find("nothing was measured"), std::string::npos) << r.process.err;
  ASSERT_FALSE(r.summary.is_null()) << "the summary is still written";
  EXPECT_EQ(metric(r.summary, "http_reqs", "count"), 0);
  EXPECT_NE(r.process.out.find("LOAD TEST FAILED"), std::string::npos) << r.process.out;
}

TEST(RunExitCodes, MissingFileIsUsageError) {
  const auto r = run_process({PERFVAL_BIN, "run", "/nonexistent/scenario.yaml"}, 20s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/scenario.yaml"), std::string::npos) << r.err;
}

TEST(RunExitCodes, UnknownOptionIsUsageError) {
  const auto r = run_process({PERFVAL_BIN, "run", "x.yaml", "--thread", "2"}, 20s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean \"--threads\""), std::string::npos) << r.err;
}

TEST(RunInterrupt, SigtermWritesPartialSummaryAndExits105) {
  TempDir dir;
  const auto r = run_scenario(dir, std::string("name: long\n") + kTarget + kMix +
                                       "think_time: 20ms\nexecutor: constant-vus\nvus: 2\nduration: 60s\n",
                              {}, 2500ms);
  EXPECT_EQ(r.process.exit_code, 105) << r.process.out << r.process.err;
  ASSERT_FALSE(r.summary.is_null()) << "no partial summary written";
  EXPECT_EQ(r.summary.at("status"), "aborted");
  EXPECT_TRUE(r.summary.at("aborted").get<bool>());
  EXPECT_LT(r.summary.at("duration_s").get<double>(), 10);
  EXPECT_GT(metric(r.summary, "http_reqs", "count"), 20);  // what was measured before the signal is kept
  EXPECT_NE(r.process.out.find("❌ LOAD TEST FAILED"), std::string::npos);
}

TEST(RunAbort, AbortOnFailStopsTheRunEarly) {
  TempDir dir;
  const auto r = run_scenario(dir,
                              "name: abort\ntarget: {embedded: {nodes: 20, error_rate: 1, threads: 1}}\n"
                              "requests: [{name: health, path: /health}]\nthink_time: 10ms\n"
                              "executor: constant-vus\nvus: 2\nduration: 60s\n"
                              "thresholds:\n  http_req_failed: [{threshold: \"rate<0.5\", abortOnFail: true, delayAbortEval: 1s}]\n");
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  EXPECT_TRUE(r.summary.at("aborted").get<bool>());
  EXPECT_LT(r.summary.at("duration_s").get<double>(), 15);
  EXPECT_NE(r.summary.at("abort_reason").get<std::string>().find("abortOnFail"), std::string::npos);
}

TEST(RunAbort, LiveThresholdsOnVusReadTheGaugeNotASumOverSeconds) {
  // 3 VUs for 5 s are 3 VUs at every check (they were summed per second once: 3, 6, 9 ... and aborted runs).
  TempDir dir;
  const std::string head = std::string("name: gauge\n") + kTarget +
                           "requests: [{name: health, path: /health}]\nthink_time: 20ms\n"
                           "executor: constant-vus\nvus: 3\nduration: 5s\nthresholds:\n";
  const auto steady = run_scenario(dir, head + "  vus: [{threshold: \"value<=3\", abortOnFail: true}]\n"
                                               "  vus_max: [{threshold: \"max<=3\", abortOnFail: true}]\n");
  EXPECT_EQ(steady.process.exit_code, 0) << steady.process.out << steady.process.err;
  EXPECT_FALSE(steady.summary.at("aborted").get<bool>()) << steady.summary.at("abort_reason");
  EXPECT_GE(steady.summary.at("duration_s").get<double>(), 4.9);
  EXPECT_EQ(metric(steady.summary, "vus", "max"), 3);

  const auto crossed = run_scenario(dir, head + "  vus: [{threshold: \"max<3\", abortOnFail: true}]\n");
  EXPECT_EQ(crossed.process.exit_code, 99) << crossed.process.out;
  EXPECT_TRUE(crossed.summary.at("aborted").get<bool>());
  EXPECT_NE(crossed.summary.at("abort_reason").get<std::string>().find("threshold vus: max<3"), std::string::npos);
  EXPECT_LT(crossed.summary.at("duration_s").get<double>(), 4.9);
}

TEST(RunUnreachable, ConnectionRefusedCompletesWithCountedErrors) {
  TempDir dir;
  // Port 1 on loopback: nothing listens there.
  const auto r = run_scenario(dir,
                              "name: down\ntarget: {base_url: \"http://127.0.0.1:1\"}\n"
                              "requests: [{name: health, path: /health}]\n"
                              "executor: constant-vus\nvus: 2\nduration: 2s\n"
                              "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  ASSERT_FALSE(r.summary.is_null());
  EXPECT_GT(r.summary.at("errors").at("connect").get<int>(), 0);
  // Back-off keeps a dead target from spinning: a handful of attempts per VU per second, not thousands.
  EXPECT_LT(metric(r.summary, "http_reqs", "count"), 200);
  const std::string causes = r.summary.at("error_examples").dump();
  EXPECT_NE(causes.find("refused"), std::string::npos) << causes;
  EXPECT_NE(r.process.out.find("refused"), std::string::npos) << "the console names the cause";
}

TEST(RunUnreachable, UnresolvableHostCountsDnsErrors) {
  TempDir dir;
  const auto r = run_scenario(dir,
                              "name: nodns\ntarget: {base_url: \"http://no-such-host.invalid:8080\"}\n"
                              "requests: [{name: health, path: /health}]\n"
                              "executor: constant-vus\nvus: 1\nduration: 1s\n"
                              "thresholds:\n  http_req_failed: [\"rate<0.5\"]\n");
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  EXPECT_GT(r.summary.at("errors").at("dns").get<int>(), 0);
  EXPECT_NE(r.summary.at("error_examples").dump().find("no-such-host.invalid"), std::string::npos);
}

}  // namespace

namespace {
// The scheduling policy of each thread of `pid` (its /proc/PID/task entries; a thread gone meanwhile is skipped).
std::vector<int> thread_policies(int pid) {
  std::vector<int> out;
  std::error_code ec;  // an unreadable directory: no threads to report
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const int policy = sched_getscheduler(std::stoi(task.path().filename().string()));
    if (policy >= 0) out.push_back(policy);
  }
  return out;
}
}  // namespace

TEST(RunScheduling, SchedBatchPutsEveryWorkerThreadAndOnlyThemUnderSchedBatch) {
  TempDir dir;
  const std::string file = dir.write("scenario.yaml", std::string("name: batch\n") + kTarget +
                                                          "requests: [{name: health, path: /health}]\n"
                                                          "think_time: 20ms\nexecutor: constant-vus\nvus: 4\nduration: 3s\n");
  perfval::test::Child run({PERFVAL_BIN, "run", file, "--quiet", "--threads", "2", "--sched", "batch", "--out",
                            dir.path() + "/out"});
  // Mid-run: the two workers are SCHED_BATCH (3); the coordinator and the embedded target's thread are not.
  // Polled until seen (a slow start on a loaded machine delays the workers, not the 3 s they then run).
  std::vector<int> policies;
  for (long i = 0; i < 300 * perfval::test::time_scale(); ++i) {
    std::this_thread::sleep_for(100ms);
    policies = thread_policies(run.pid());
    if (std::count(policies.begin(), policies.end(), SCHED_BATCH) == 2) break;
  }
  EXPECT_EQ(std::count(policies.begin(), policies.end(), SCHED_BATCH), 2) << ::testing::PrintToString(policies);
  EXPECT_GE(std::count(policies.begin(), policies.end(), SCHED_OTHER), 2) << ::testing::PrintToString(policies);
  const std::string line = run.wait_for_line("worker threads", 60s);
  EXPECT_NE(line.find("2 worker threads (batch scheduling)"), std::string::npos) << line;
  EXPECT_EQ(run.wait(30s), 0);
  std::ifstream in(dir.path() + "/out/summary.json");
  const json summary = json::parse(in);
  EXPECT_EQ(summary.at("config").at("sched"), "batch");
  EXPECT_FALSE(summary.at("config").contains("sched_note")) << summary.at("config");
  std::ifstream html_in(dir.path() + "/out/report.html");
  const std::string html((std::istreambuf_iterator<char>(html_in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("2 worker threads (batch scheduling)"), std::string::npos);

  // Without --sched the workers keep normal scheduling, and say so in the summary.
  const auto normal = run_scenario(dir, std::string("name: normal\n") + kTarget +
                                            "requests: [{name: health, path: /health}]\n"
                                            "think_time: 20ms\nexecutor: constant-vus\nvus: 2\nduration: 1s\n");
  ASSERT_EQ(normal.process.exit_code, 0) << normal.process.err;
  EXPECT_EQ(normal.summary.at("config").at("sched"), "normal");
  EXPECT_EQ(normal.process.out.find("scheduling"), std::string::npos) << normal.process.out;

  const auto bad = run_process({PERFVAL_BIN, "run", file, "--sched", "fifo"}, 20s);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("option --sched: expected normal or batch, got \"fifo\""), std::string::npos) << bad.err;
}
