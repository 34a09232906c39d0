// The capacity answer of a ramping run against `perfval serve` in its own process, one server thread and a heavy
// /metrics (2,000 nodes, ~830 kB): a staircase of 1, 8 and 64 VUs with no think time saturates it, so latency
// climbs about eightfold per step while throughput stays flat. The SLA line is placed from what a calibration run
// measured (never from timing assumptions), between steps 2 and 3; the answer must be the last step whose p95, as
// this run measured it, is below the line, and the test requires the line to fall between the first and the last.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "process.hpp"

namespace {
using nlohmann::json;
using perfval::test::Child;
using perfval::test::run_process;
using perfval::test::TempDir;
using namespace std::chrono_literals;

struct RunResult {
  perfval::test::ProcessResult process;
  json summary;
};

// 4-s plateaus at 1, 8 and 64 VUs joined by 1-s ramps (14 s); the first second of each is warm-up.
std::string staircase(const std::string& url, const std::string& thresholds) {
  return "name: steps\ntarget: {base_url: '" + url + "'}\nrequests: [{name: metrics, path: /metrics}]\n"
         "executor: ramping-vus\nstartVUs: 1\nstages:\n"
         "  - {duration: 4s, target: 1}\n  - {duration: 1s, target: 8}\n  - {duration: 4s, target: 8}\n"
         "  - {duration: 1s, target: 64}\n  - {duration: 4s, target: 64}\n"
         "gracefulRampDown: 5s\nthresholds:\n" + thresholds;
}

RunResult run_yaml(const std::string& yaml) {
  TempDir dir;
  const std::string file = dir.write("steps.yaml", yaml);
  RunResult r;
  r.process = run_process({PERFVAL_BIN, "run", file, "--quiet", "--out", dir.path() + "/out"}, 60s);
  std::ifstream in(dir.path() + "/out/summary.json");
  if (in) r.summary = json::parse(in);
  return r;
}

// Requests per second over the seconds of the time series a step covers, read independently of `steps`.
double series_rate(const json& summary, const json& step) {
  double requests = 0, seconds = 0;
  for (const auto& p : summary.at("timeseries")) {
    const double n = std::ceil(p.at("t").get<double>() - 1e-9);
    if (n > step.at("start_s").get<double>() && n <= std::ceil(step.at("end_s").get<double>() - 1e-9)) {
      requests += p.at("requests").get<double>();
      seconds += p.at("length").get<double>();
    }
  }
  return seconds > 0 ? requests / seconds : 0;
}

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", v);
  return buf;
}

class CapacitySteps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    serve_ = std::make_unique<Child>(std::vector<std::string>{PERFVAL_BIN, "serve", "--listen", "127.0.0.1:0",
                                                              "--nodes", "2000", "--threads", "1"});
    url_ = perfval::test::serve_url(*serve_, 30s);
    if (url_.empty()) return;
    // The calibration run: an SLA nothing here can break, so every step is measured.
    calibration_ = run_yaml(staircase(url_, "  http_req_duration: [\"p(95)<60s\"]\n"));
  }
  static void TearDownTestSuite() {
    if (serve_) serve_->stop(SIGTERM, 10s);
    serve_.reset();
  }
  void SetUp() override {
    ASSERT_FALSE(url_.empty()) << "perfval serve did not start";
    ASSERT_EQ(calibration_.process.exit_code, 0) << calibration_.process.out << calibration_.process.err;
    const json& steps = calibration_.summary.at("steps");
    ASSERT_EQ(steps.size(), 3U) << steps.dump();
    for (const auto& s : steps) p95_.push_back(s.at("p95_ms").get<double>());
    // The premise: one server thread is saturated, so the last step's latency is well above the first's.
    ASSERT_GT(p95_[2], 4 * p95_[0]) << steps.dump();
  }

  static std::unique_ptr<Child> serve_;
  static std::string url_;
  static RunResult calibration_;
  std::vector<double> p95_;  // ms, per step of the calibration run
};
std::unique_ptr<Child> CapacitySteps::serve_;
std::string CapacitySteps::url_;
RunResult CapacitySteps::calibration_;

TEST_F(CapacitySteps, TheAnswerIsTheStepBelowTheSlaLine) {
  const double line = std::sqrt(p95_[1] * p95_[2]);  // between steps 2 and 3 of the calibration, on a log scale
  const RunResult r = run_yaml(staircase(url_, "  http_req_duration: [\"p(95)<" + ms(line) + "\"]\n"));
  ASSERT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;  // the run as a whole failed its SLA
  const json& c = r.summary.at("capacity_found");
  const json& steps = r.summary.at("steps");
  ASSERT_EQ(steps.size(), 3U) << steps.dump();
  // Where this run's own measurements put the line (a loaded machine moves latency between runs).
  std::size_t below = 0;
  while (below < steps.size() && steps[below].at("p95_ms").get<double>() < line) ++below;
  ASSERT_GE(below, 1U) << "the line is below the first step: " << line << " ms " << steps.dump();
  ASSERT_LE(below, 2U) << "the line is above the last step: " << line << " ms " << steps.dump();
  ASSERT_EQ(c.at("status"), "found") << c.dump() << steps.dump();
  EXPECT_EQ(c.at("step"), below) << steps.dump();
  const json& answer = steps.at(below - 1);
  EXPECT_EQ(c.at("vus").get<double>(), answer.at("vus").get<double>());
  EXPECT_TRUE(answer.at("sla_ok").get<bool>());
  EXPECT_DOUBLE_EQ(c.at("rps").get<double>(), answer.at("rps").get<double>());
  EXPECT_NEAR(c.at("rps").get<double>(), series_rate(r.summary, answer), 1e-6 * c.at("rps").get<double>());
  EXPECT_GT(c.at("rps").get<double>(), 0);
  const json& broke = c.at("broke_at");
  EXPECT_EQ(broke.at("step"), below + 1);
  EXPECT_EQ(broke.at("vus").get<double>(), steps.at(below).at("vus").get<double>());
  EXPECT_NE(broke.at("reason").get<std::string>().find("p(95)="), std::string::npos) << broke.dump();
  EXPECT_NE(broke.at("reason").get<std::string>().find(">= " + ms(line)), std::string::npos) << broke.dump();
  ASSERT_EQ(steps.at(below).at("failed_thresholds").size(), 1U);
  EXPECT_EQ(steps.at(below).at("failed_thresholds")[0].at("expression"), "p(95)<" + ms(line));
  const std::string level = below == 1 ? "1 VU, " : "8 VUs, ";
  EXPECT_NE(r.process.out.find("capacity within SLA: " + level), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.out.find(std::string("broke at ") + (below == 1 ? "8" : "64") + " VUs: p(95)="), std::string::npos)
      << r.process.out;
  // How often the line fell where the calibration put it (between steps 2 and 3), for the log.
  std::printf("SLA line %.2f ms: steps' p95 %.2f / %.2f / %.2f ms, answer step %zu\n", line,
              steps[0].at("p95_ms").get<double>(), steps[1].at("p95_ms").get<double>(), steps[2].at("p95_ms").get<double>(),
              below);
}

TEST_F(CapacitySteps, NotReachedWhenTheSlaHoldsAtEveryStep) {
  const json& c = calibration_.summary.at("capacity_found");
  EXPECT_EQ(c.at("status"), "not reached") << c.dump();
  EXPECT_EQ(c.at("step"), 3);
  EXPECT_EQ(c.at("vus").get<double>(), 64);
  EXPECT_TRUE(c.at("broke_at").is_null());
  for (const auto& s : calibration_.summary.at("steps")) EXPECT_TRUE(s.at("sla_ok").get<bool>()) << s.dump();
  EXPECT_NE(calibration_.process.out.find("not reached: the SLA held at every step"), std::string::npos)
      << calibration_.process.out;
  // Throughput stopped growing below 64 VUs while latency climbed: the knee is below the SLA answer.
  const json& knee = calibration_.summary.at("knee");
  EXPECT_EQ(knee.at("status"), "found") << knee.dump() << calibration_.summary.at("steps").dump();
  EXPECT_LE(knee.at("step").get<int>(), 2) << calibration_.summary.at("steps").dump();
}

TEST_F(CapacitySteps, AStepCutShortByAbortOnFailCountsAsBroken) {
  // The abort is placed by load, not by timing: an abortOnFail threshold on the VUs trips while the ramp to the
  // third step passes 10 VUs (checked every 2 s), so the run stops during that step, whatever the machine's speed.
  const RunResult r = run_yaml(staircase(url_, "  http_req_duration: [\"p(95)<60s\"]\n"
                                               "  vus: [{threshold: \"value<10\", abortOnFail: true}]\n"));
  ASSERT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  ASSERT_TRUE(r.summary.at("aborted").get<bool>()) << r.summary.at("abort_reason");
  const json& c = r.summary.at("capacity_found");
  const json& steps = r.summary.at("steps");
  ASSERT_EQ(c.at("status"), "found") << c.dump() << steps.dump();
  EXPECT_EQ(c.at("step"), 2);
  EXPECT_EQ(c.at("vus").get<double>(), 8);
  EXPECT_EQ(c.at("broke_at").at("step"), 3);
  EXPECT_NE(c.at("broke_at").at("reason").get<std::string>().find("vus: value<10 crossed"), std::string::npos) << c.dump();
  EXPECT_NE(c.at("broke_at").at("reason").get<std::string>().find("(abortOnFail)"), std::string::npos) << c.dump();
  ASSERT_EQ(steps.size(), 3U) << steps.dump();
  EXPECT_TRUE(steps.at(1).at("complete").get<bool>());
  EXPECT_FALSE(steps.at(2).at("complete").get<bool>());
  EXPECT_FALSE(steps.at(2).at("sla_ok").get<bool>());
  EXPECT_NE(r.process.out.find("capacity within SLA: 8 VUs, "), std::string::npos) << r.process.out;
}

}  // namespace
