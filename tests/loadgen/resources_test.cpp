// Tests for the target's resource readings: parsing a Go exporter's /metrics, folding readings into a summary.
#include "perfval/loadgen/resources.hpp"

#include <gtest/gtest.h>

namespace perfval::loadgen {
namespace {

// The shape of a Go exporter's self-metrics (as prometheus-node-exporter 1.5 serves them).
constexpr const char* kGoExporter = R"(# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.1e-05
go_gc_duration_seconds{quantile="0.25"} 3.4e-05
go_gc_duration_seconds{quantile="0.5"} 4.8e-05
go_gc_duration_seconds{quantile="0.75"} 6.5e-05
go_gc_duration_seconds{quantile="1"} 0.000412
go_gc_duration_seconds_sum 0.0031
go_gc_duration_seconds_count 40
# TYPE go_goroutines gauge
go_goroutines 9
# TYPE go_memstats_heap_inuse_bytes gauge
go_memstats_heap_inuse_bytes 4.2e+06
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.25
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1.8546688e+07
)";

TEST(ResourceReading, ReadsProcessAndGoSeriesFromAnExposition) {
  const ResourceReading r = reading_from_exposition(kGoExporter);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.missing.empty());
  EXPECT_DOUBLE_EQ(*r.memory_bytes, 1.8546688e7);
  EXPECT_DOUBLE_EQ(*r.cpu_seconds, 1.25);
  ASSERT_EQ(r.gc_quantiles.size(), 5U);
  EXPECT_DOUBLE_EQ(r.gc_quantiles.back().first, 1.0);
  EXPECT_DOUBLE_EQ(r.gc_quantiles.back().second, 0.000412);
  EXPECT_DOUBLE_EQ(*r.gc_count, 40);
  EXPECT_DOUBLE_EQ(*r.heap_inuse_bytes, 4.2e6);
  EXPECT_DOUBLE_EQ(*r.goroutines, 9);
}

TEST(ResourceReading, NamesTheSeriesATargetDoesNotReport) {
  const ResourceReading r = reading_from_exposition("# TYPE slurm_nodes gauge\nslurm_nodes 12\n");
  EXPECT_TRUE(r.error.empty());
  ASSERT_EQ(r.missing.size(), 2U);
  EXPECT_EQ(r.missing[0], "process_resident_memory_bytes");
  EXPECT_EQ(r.missing[1], "process_cpu_seconds_total");
}

TEST(ResourceReading, AMalformedExpositionIsAnErrorWithItsLine) {
  const ResourceReading r = reading_from_exposition("process_resident_memory_bytes 1\nthis is not { valid\n");
  EXPECT_NE(r.error.find("malformed exposition"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(":2:"), std::string::npos) << "names the line: " << r.error;
  EXPECT_FALSE(r.memory_bytes);
}

ResourceReading at(double t, double memory, double cpu_seconds) {
  ResourceReading r;
  r.t = t;
  r.memory_bytes = memory;
  r.cpu_seconds = cpu_seconds;
  return r;
}

TEST(ResourceTracker, MemoryMaxAvgLastAndCpuAsARateOfTheCounter) {
  ResourceTracker tracker("pid 1");
  tracker.add(at(0, 100e6, 10.0));
  tracker.add(at(1, 300e6, 10.5));  // 0.5 cores
  tracker.add(at(3, 200e6, 12.5));  // 1.0 cores over 2 s
  const ResourceSummary& s = tracker.summary();
  EXPECT_EQ(s.samples, 3U);
  EXPECT_DOUBLE_EQ(s.memory.max, 300e6);
  EXPECT_DOUBLE_EQ(s.memory.avg(), 200e6);
  EXPECT_DOUBLE_EQ(s.memory.last, 200e6);
  EXPECT_DOUBLE_EQ(s.cpu.max, 1.0);
  ASSERT_TRUE(s.cpu_cores_avg);
  EXPECT_DOUBLE_EQ(*s.cpu_cores_avg, 2.5 / 3.0) << "CPU seconds used over wall seconds, not a mean of rates";
  ASSERT_EQ(tracker.points().size(), 3U);
  EXPECT_FALSE(tracker.points()[0].cpu_cores) << "one reading is no rate yet";
  EXPECT_DOUBLE_EQ(*tracker.points()[1].cpu_cores, 0.5);
}

TEST(ResourceTracker, FailuresAreCountedAndTheFirstIsKept) {
  ResourceTracker tracker("metrics_url http://127.0.0.1:1/metrics");
  ResourceReading bad;
  bad.error = "connect: Connection refused";
  tracker.add(bad);
  bad.error = "timeout: no answer";
  tracker.add(bad);
  const ResourceSummary& s = tracker.summary();
  EXPECT_EQ(s.errors, 2U);
  EXPECT_EQ(s.samples, 0U);
  ASSERT_EQ(s.error_examples.size(), 1U);
  EXPECT_EQ(s.error_examples[0], "connect: Connection refused");
  EXPECT_TRUE(s.memory.empty());
  EXPECT_EQ(s.no_data_reason(), "connect: Connection refused (2 of 2 readings failed)");
}

TEST(ResourceTracker, MissingSeriesAndAnExitedProcessBecomeNotes) {
  ResourceTracker tracker("pid 42");
  ResourceReading r = reading_from_exposition("up 1\n");
  tracker.add(r);
  tracker.add(r);
  ResourceReading gone;
  gone.t = 7.25;
  gone.gone = true;
  gone.error = "process 42 does not exist (exited?)";
  tracker.add(gone);
  const auto& notes = tracker.summary().notes;
  ASSERT_EQ(notes.size(), 2U) << "a missing series is noted once";
  EXPECT_EQ(notes[0], "the target reports no process_resident_memory_bytes, process_cpu_seconds_total");
  EXPECT_EQ(notes[1], "process 42 does not exist (exited?); sampling stopped at 7.2 s");
  EXPECT_EQ(tracker.summary().no_data_reason(), notes[0]);
}

TEST(ResourceTracker, GcPausesDuringTheRunFromTheSummaryCounters) {
  ResourceTracker tracker("metrics_url x");
  ResourceReading first = reading_from_exposition(kGoExporter);  // 40 cycles, 3.1 ms so far
  tracker.add(first);
  ResourceReading later = first;
  later.t = 2;
  *later.gc_count = 50;         // 10 cycles during the run ...
  *later.gc_pause_sum = 0.0041;  // ... that paused 1 ms in all
  later.gc_quantiles.back().second = 0.0009;
  tracker.add(later);
  const ResourceSummary& s = tracker.summary();
  EXPECT_DOUBLE_EQ(*s.gc_cycles, 10);
  EXPECT_NEAR(*s.gc_pause_avg_ms, 0.1, 1e-9);
  EXPECT_DOUBLE_EQ(s.gc_pause.max, 0.9);
  ASSERT_EQ(s.gc_quantiles_ms.size(), 5U);
  EXPECT_NEAR(s.gc_quantiles_ms[3].second, 0.065, 1e-12);  // quantile 0.75 of the last reading, in ms
}

TEST(ResourceTracker, ACounterGoingBackwardsIsNotedNotTakenAsNegativeCpu) {
  ResourceTracker tracker("pid 1");
  tracker.add(at(0, 1, 50.0));
  tracker.add(at(1, 1, 2.0));  // restarted
  tracker.add(at(2, 1, 2.5));
  const ResourceSummary& s = tracker.summary();
  EXPECT_DOUBLE_EQ(s.cpu.min, 0.5);
  EXPECT_EQ(s.cpu.count, 1U);
  ASSERT_EQ(s.notes.size(), 1U);
  EXPECT_NE(s.notes[0].find("went backwards"), std::string::npos);
}

TEST(ResourceConfig, DescribeNamesTheSource) {
  ResourceConfig c;
  c.url = "http://127.0.0.1:9100/metrics";
  EXPECT_EQ(c.describe(), "metrics_url http://127.0.0.1:9100/metrics");
  EXPECT_EQ(c.effective_timeout(), std::chrono::seconds(1)) << "the interval by default";
  c.interval = std::chrono::minutes(1);
  EXPECT_EQ(c.effective_timeout(), std::chrono::seconds(10)) << "at most 10 s";
  c.source = ResourceConfig::Source::pid;
  c.pid = 77;
  EXPECT_EQ(c.describe(), "pid 77");
}

}  // namespace
}  // namespace perfval::loadgen
