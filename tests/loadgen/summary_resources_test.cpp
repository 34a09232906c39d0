// Tests for the target's resources in a RunSummary: thresholds on them, summary.json round trip, merging.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "perfval/loadgen/summary.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "loadgen/threshold_spec.hpp"

namespace perfval::loadgen {
namespace {

using test::threshold;

RunSummary summary_with(const std::vector<double>& memory, const std::vector<double>& cpu_seconds) {
  RunSummary s;
  s.file = "x.yaml";
  s.name = "x";
  s.duration = static_cast<double>(memory.size());
  s.catalog.entries.push_back({"x", "r"});
  s.totals = Stats(1);
  s.totals.by_request[0].requests = 10;
  s.totals.by_request[0].duration.record(1000, 10);
  ResourceTracker tracker("pid 1");
  for (std::size_t i = 0; i < memory.size(); ++i) {
    ResourceReading r;
    r.t = static_cast<double>(i);
    r.memory_bytes = memory[i];
    r.cpu_seconds = cpu_seconds[i];
    tracker.add(r);
  }
  s.resources = tracker.summary();
  return s;
}

const ThresholdOutcome& outcome(const RunSummary& s, std::size_t i) { return s.thresholds.at(i); }

TEST(ResourceThresholdEvaluation, MaxAvgAndValueOfTheReadings) {
  RunSummary s = summary_with({100e6, 300e6, 200e6}, {0, 0.5, 1.5});
  s.threshold_specs = {threshold("target_memory_bytes", "max<256Mi"), threshold("target_memory_bytes", "avg<256Mi"),
                       threshold("target_memory_bytes", "value<256Mi"), threshold("target_cpu_cores", "avg<0.5"),
                       threshold("target_cpu_cores", "max<=1")};
  evaluate_summary_thresholds(s);
  EXPECT_FALSE(outcome(s, 0).ok);  // 300 MB > 256 MiB
  EXPECT_DOUBLE_EQ(*outcome(s, 0).observed, 300e6);
  EXPECT_TRUE(outcome(s, 1).ok);   // 200 MB
  EXPECT_TRUE(outcome(s, 2).ok);   // the last reading, 200 MB
  EXPECT_FALSE(outcome(s, 3).ok);  // 1.5 CPU seconds over 2 s = 0.75 cores
  EXPECT_DOUBLE_EQ(*outcome(s, 3).observed, 0.75);
  EXPECT_TRUE(outcome(s, 4).ok);
  EXPECT_FALSE(s.passed());
}

TEST(ResourceThresholdEvaluation, NoDataNeverPasses) {
  RunSummary sampled_but_failed = summary_with({}, {});
  ResourceTracker failing("metrics_url http://127.0.0.1:1/metrics");
  ResourceReading bad;
  bad.error = "connect: Connection refused";
  failing.add(bad);
  sampled_but_failed.resources = failing.summary();
  RunSummary not_sampled = summary_with({}, {});
  not_sampled.resources = ResourceSummary{};
  for (RunSummary* s : {&sampled_but_failed, &not_sampled}) {
    s->threshold_specs = {threshold("target_memory_bytes", "max<1Gi"), threshold("target_gc_pause", "max<1s")};
    evaluate_summary_thresholds(*s);
    EXPECT_FALSE(outcome(*s, 0).ok);
    EXPECT_FALSE(outcome(*s, 0).observed);
    EXPECT_FALSE(outcome(*s, 1).ok) << "a target that reports no GC has no GC pauses to pass with";
  }
}

TEST(ResourceSummaryJson, RoundTripsAndMergesSegmentsOfOneTarget) {
  RunSummary a = summary_with({100e6, 300e6}, {0, 1});
  RunSummary b = summary_with({250e6, 150e6}, {0, 3});
  a.segment = "0/2";
  b.segment = "1/2";
  a.threshold_specs = b.threshold_specs = {threshold("target_memory_bytes", "max<280MB")};
  evaluate_summary_thresholds(a);  // the JSON carries the outcomes, from which a reader re-parses the thresholds
  evaluate_summary_thresholds(b);
  const nlohmann::json doc = summary_to_json(a);
  EXPECT_EQ(doc.at("resources").at("source"), "pid 1");
  EXPECT_DOUBLE_EQ(doc.at("resources").at("memory_bytes").get<double>(), 300e6);
  EXPECT_DOUBLE_EQ(doc.at("resources").at("memory_bytes_avg").get<double>(), 200e6);
  EXPECT_DOUBLE_EQ(doc.at("resources").at("cpu_cores").get<double>(), 1.0);
  const RunSummary back = summary_from_json(doc, "a.json");
  EXPECT_EQ(back.resources.samples, 2U);
  EXPECT_DOUBLE_EQ(back.resources.memory.max, 300e6);
  EXPECT_DOUBLE_EQ(back.resources.memory.min, 100e6);
  EXPECT_DOUBLE_EQ(*back.resources.cpu_cores_avg, 1.0);
  EXPECT_EQ(back.threshold_specs.at(0).expr.value, 280e6) << "the size unit survives the round trip";

  const RunSummary merged = merge_summaries({back, summary_from_json(summary_to_json(b), "b.json")}, {"a", "b"});
  EXPECT_EQ(merged.resources.samples, 4U);
  EXPECT_DOUBLE_EQ(merged.resources.memory.max, 300e6) << "the same target read twice: the highest, not a sum";
  EXPECT_DOUBLE_EQ(merged.resources.memory.avg(), 200e6);
  EXPECT_DOUBLE_EQ(*merged.resources.cpu_cores_avg, 2.0);
  EXPECT_FALSE(merged.thresholds.at(0).ok);
}

TEST(ResourceSummaryJson, AbsentWhenTheRunDidNotSample) {
  RunSummary s = summary_with({}, {});
  s.resources = ResourceSummary{};
  const nlohmann::json doc = summary_to_json(s);
  EXPECT_FALSE(doc.contains("resources"));
  EXPECT_FALSE(summary_from_json(doc, "s.json").resources.sampled());
}

}  // namespace
}  // namespace perfval::loadgen
