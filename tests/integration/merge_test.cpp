// Distributed runs: 4 `perfval run --segment i/4` processes plus `perfval merge` against one `perfval serve`
// give the same counts and rate as one process, and merged percentiles are those of all samples together.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>

#include "perfval/loadgen/histogram.hpp"
#include "process.hpp"

namespace {
using nlohmann::json;
using perfval::test::Child;
using perfval::test::run_process;
using perfval::test::TempDir;
using namespace std::chrono_literals;

json load(const std::string& path) {
  std::ifstream in(path);
  return in ? json::parse(in) : json();
}

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_ = std::make_unique<Child>(std::vector<std::string>{PERFVAL_BIN, "serve", "--listen", "127.0.0.1:0",
                                                              "--nodes", "50", "--threads", "1"});
    url_ = perfval::test::serve_url(*serve_, 20s);
    ASSERT_FALSE(url_.empty()) << "perfval serve did not start";
    // 400 iterations a second for 3 s, 300 per segment. Under a sanitizer (time_scale() > 1) five instrumented
    // processes on two cores need not keep 400/s (ASan at load 3-5: the merged run failed a threshold, exit 99),
    // so the rate falls by the scale, a multiple of 4 so the segments share it evenly: the merge is checked here,
    // not the speed.
    rate_ = std::max(4L, 400 / perfval::test::time_scale() / 4 * 4);
    scenario_ = dir_.write("dist.yaml",
                           "name: dist\ntarget: {base_url: \"" + url_ + "\"}\n"
                           "requests:\n  - {name: health, path: /health, weight: 3}\n"
                           "  - {name: ping, path: /slurm/v0.0.44/ping, weight: 1}\n"
                           "executor: constant-arrival-rate\nrate: " + std::to_string(rate_) +
                           "\nduration: 3s\npreAllocatedVUs: 20\nmaxVUs: 60\n"
                           "thresholds:\n  http_req_duration: [\"p(95)<2s\"]\n  http_reqs: [\"count>=" +
                           std::to_string(3 * rate_ * 119 / 120) + "\"]\n");
  }
  void TearDown() override {
    if (serve_) {
      EXPECT_EQ(serve_->stop(SIGTERM, 10s), 0) << "perfval serve exits 0 on SIGTERM";
    }
  }

  TempDir dir_;
  std::unique_ptr<Child> serve_;
  std::string url_;
  std::string scenario_;
  long rate_ = 400;
};

TEST_F(MergeTest, FourSegmentsMergeToTheSameRunAsOneProcess) {
  const auto single = run_process({PERFVAL_BIN, "run", scenario_, "--quiet", "--threads", "1", "--out", dir_.path() + "/single"}, 60s);
  ASSERT_EQ(single.exit_code, 0) << single.out << single.err;
  const json one = load(dir_.path() + "/single/summary.json");

  const long start = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count() + 2;
  std::vector<std::unique_ptr<Child>> segments;
  std::vector<std::string> files;
  for (int i = 0; i < 4; ++i) {
    const std::string out = dir_.path() + "/seg" + std::to_string(i);
    segments.push_back(std::make_unique<Child>(std::vector<std::string>{
        PERFVAL_BIN, "run", scenario_, "--quiet", "--threads", "1", "--segment", std::to_string(i) + "/4",
        "--start-at", std::to_string(start), "--out", out}));
    files.push_back(out + "/summary.json");
  }
  // A segment does not judge the thresholds (its share alone would fail `count>=1190`); merge does.
  for (auto& s : segments) EXPECT_EQ(s->wait(60s), 0);
  std::vector<std::string> argv = {PERFVAL_BIN, "merge"};
  argv.insert(argv.end(), files.begin(), files.end());
  argv.insert(argv.end(), {"-o", dir_.path() + "/merged.json", "--quiet"});
  const auto merge = run_process(argv, 30s);
  ASSERT_EQ(merge.exit_code, 0) << merge.out << merge.err;
  const json merged = load(dir_.path() + "/merged.json");

  // Each segment ran exactly its quarter of the 1200 scheduled iterations (3 x rate_).
  for (const auto& f : files) {
    const json part = load(f);
    const double n = part["metrics"]["http_reqs"]["count"].get<double>() + part["metrics"]["dropped_iterations"]["count"].get<double>();
    EXPECT_EQ(n, 3 * rate_ / 4) << f;
  }
  const double count_one = one["metrics"]["http_reqs"]["count"], count_merged = merged["metrics"]["http_reqs"]["count"];
  EXPECT_NEAR(count_merged, count_one, 0.02 * count_one);
  const double rate_one = one["metrics"]["http_reqs"]["rate"], rate_merged = merged["metrics"]["http_reqs"]["rate"];
  EXPECT_NEAR(rate_merged, rate_one, 0.02 * rate_one);
  // The 3:1 mix holds across segments (each segment runs its own exact round-robin).
  EXPECT_NEAR(merged["metrics"]["http_reqs{name:health}"]["count"].get<double>(), 0.75 * count_merged, 8);

  // Merged percentiles are exactly those of the union of the segments' samples.
  perfval::loadgen::Histogram all;
  for (const auto& f : files) {
    const json part = load(f);
    for (const auto& r : part["raw"]["requests"]) all += perfval::loadgen::Histogram::deserialize(r["duration"].get<std::string>());
  }
  for (const char* p : {"p(90)", "p(95)", "p(99)"}) {
    const double q = std::stod(std::string(p).substr(2));
    EXPECT_DOUBLE_EQ(merged["metrics"]["http_req_duration"][p].get<double>(), static_cast<double>(all.value_at_percentile(q)) / 1000.0) << p;
  }
  EXPECT_EQ(merged["metrics"]["http_req_duration"]["count"].get<std::int64_t>(), all.count());
  EXPECT_EQ(merged["config"]["segment"], "0/1");
  EXPECT_EQ(merged["status"], "passed");
}

TEST_F(MergeTest, RejectsMismatchedDuplicateAndMissingSegments) {
  std::vector<std::string> files;
  for (int i = 0; i < 2; ++i) {
    const std::string out = dir_.path() + "/s" + std::to_string(i);
    const auto r = run_process({PERFVAL_BIN, "run", scenario_, "--quiet", "--duration", "1s", "--segment",
                                std::to_string(i) + "/3", "--out", out}, 60s);
    ASSERT_NE(r.exit_code, 2) << r.err;
    files.push_back(out + "/summary.json");
  }
  auto merge = [&](std::vector<std::string> in) {
    std::vector<std::string> argv = {PERFVAL_BIN, "merge"};
    argv.insert(argv.end(), in.begin(), in.end());
    argv.insert(argv.end(), {"-o", dir_.path() + "/m.json"});
    return run_process(argv, 30s);
  };
  auto missing = merge(files);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("segments missing: 2/3"), std::string::npos) << missing.err;
  auto duplicate = merge({files[0], files[0]});
  EXPECT_EQ(duplicate.exit_code, 2);
  EXPECT_NE(duplicate.err.find("is also in"), std::string::npos) << duplicate.err;

  const std::string other = dir_.write("other.yaml", "name: other\ntarget: {base_url: \"" + url_ + "\"}\n"
                                                     "requests: [{name: health, path: /health}]\n"
                                                     "executor: shared-iterations\nvus: 1\niterations: 3\n");
  const auto r = run_process({PERFVAL_BIN, "run", other, "--quiet", "--segment", "2/3", "--out", dir_.path() + "/o"}, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto mismatched = merge({files[0], files[1], dir_.path() + "/o/summary.json"});
  EXPECT_EQ(mismatched.exit_code, 2);
  EXPECT_NE(mismatched.err.find("only segments of one run can be merged"), std::string::npos) << mismatched.err;

  dir_.write("garbage.json", "{\"schema\": \"something/else\"}");
  auto garbage = merge({dir_.path() + "/garbage.json"});
  EXPECT_EQ(garbage.exit_code, 2);
  EXPECT_NE(garbage.err.find("garbage.json"), std::string::npos) << garbage.err;

  const auto bad_segment = run_process({PERFVAL_BIN, "run", scenario_, "--segment", "3/3"}, 20s);
  EXPECT_EQ(bad_segment.exit_code, 2);
  EXPECT_NE(bad_segment.err.find("--segment"), std::string::npos);
}

}  // namespace
