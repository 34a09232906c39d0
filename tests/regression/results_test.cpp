// Tests of the result readers: Google Benchmark JSON with repetitions, perfval summaries, folders, bad input.
#include "perfval/regression/results.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "perfval/common/error.hpp"

namespace perfval::regression {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// Google Benchmark output with 3 repetitions of one benchmark plus its aggregates, in the tool's layout.
const char* bench_json = R"({
  "context": {"date": "2026-11-22T10:00:00+00:00", "num_cpus": 2, "library_build_type": "release"},
  "benchmarks": [
    {"name": "memory/allocation/1024", "family_index": 0, "per_family_instance_index": 0,
     "run_name": "memory/allocation/1024", "run_type": "iteration", "repetitions": 3, "repetition_index": 0,
     "threads": 1, "iterations": 1000, "real_time": 100.0, "cpu_time": 99.0, "time_unit": "ns",
     "allocations_per_second": 9.0e6},
    {"name": "memory/allocation/1024", "run_name": "memory/allocation/1024", "run_type": "iteration",
     "repetitions": 3, "repetition_index": 1, "threads": 1, "iterations": 1000, "real_time": 110.0,
     "cpu_time": 108.0, "time_unit": "ns", "allocations_per_second": 8.0e6},
    {"name": "memory/allocation/1024", "run_name": "memory/allocation/1024", "run_type": "iteration",
     "repetitions": 3, "repetition_index": 2, "threads": 1, "iterations": 1000, "real_time": 120.0,
     "cpu_time": 119.0, "time_unit": "ns", "allocations_per_second": 7.0e6},
    {"name": "memory/allocation/1024_mean", "run_name": "memory/allocation/1024", "run_type": "aggregate",
     "repetitions": 3, "threads": 1, "aggregate_name": "mean", "iterations": 3, "real_time": 110.0,
     "cpu_time": 108.7, "time_unit": "ns", "allocations_per_second": 8.0e6},
    {"name": "memory/allocation/1024_stddev", "run_name": "memory/allocation/1024", "run_type": "aggregate",
     "repetitions": 3, "threads": 1, "aggregate_name": "stddev", "iterations": 3, "real_time": 10.0,
     "cpu_time": 10.0, "time_unit": "ns"},
    {"name": "cpu/parse/aggregates_only_mean", "run_name": "cpu/parse/aggregates_only", "run_type": "aggregate",
     "repetitions": 5, "aggregate_name": "mean", "real_time": 2.5, "cpu_time": 2.4, "time_unit": "ms"},
    {"name": "network/broken", "run_name": "network/broken", "run_type": "iteration", "repetitions": 1,
     "error_occurred": true, "error_message": "connection refused"}
  ]
})";

const char* summary_json = R"json({"schema":"perfval/summary/v1","status":"passed","aborted":false,
 "scenario":{"file":"scenarios/baseline.yaml","name":"baseline","description":"steady"},
 "started_at":"2026-11-22T10:00:00Z","duration_s":3.0,
 "metrics":{"http_reqs":{"type":"counter","count":30,"rate":10.0},
   "http_req_duration":{"type":"trend","avg":12.1,"min":1.0,"med":10.0,"max":300.0,"p(90)":20.0,"p(95)":25.0,"p(99)":60.0,"p(99.9)":200.0},
   "http_req_failed":{"type":"rate","rate":0.1,"passes":3,"fails":27,"thresholds":{"rate<0.01":{"ok":false}}},
   "data_received":{"type":"counter","count":123456,"rate":205.7},
   "http_req_duration{name:metrics}":{"type":"trend","avg":5.0,"p(95)":9.0}},
 "thresholds":[{"metric":"http_req_duration","expression":"p(95)<5s","ok":true,"observed":25.0}],
 "timeseries":[{"t":1,"requests":10,"rps":10.0,"p50":9.0,"p95":24.0,"p99":55.0,"errors":1,"vus":10},
               {"t":2,"requests":10,"rps":10.0,"p50":10.0,"p95":26.0,"p99":61.0,"errors":2,"vus":10},
               {"t":3,"requests":0,"rps":0.0,"p50":0,"p95":0,"p99":0,"errors":0,"vus":10}],
 "resources":{"memory_bytes":268435456,"cpu_cores":0.5},
 "target":{"nodes":1000}})json";

RunResults read_text(const std::string& text, const std::string& name = "r.json") {
  RunResults run;
  run.label = name;
  read_results_text(text, name, run);
  return run;
}

std::string error_of(const std::string& text) {
  try {
    read_text(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(BenchmarkJson, RepetitionsAreSamplesAndCountersAreMeasurements) {
  const RunResults run = read_text(bench_json);
  EXPECT_EQ(run.benchmarks, (std::vector<std::string>{"memory/allocation/1024", "cpu/parse/aggregates_only", "network/broken"}));
  const Measurement* rt = run.find("bench:memory/allocation/1024:real_time");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->samples, (std::vector<double>{100, 110, 120}));
  EXPECT_DOUBLE_EQ(rt->value, 110);
  EXPECT_EQ(rt->unit, "ns");
  const Measurement* allocs = run.find("bench:memory/allocation/1024:allocations_per_second");
  ASSERT_NE(allocs, nullptr);
  EXPECT_EQ(allocs->unit, "/s");
  EXPECT_DOUBLE_EQ(allocs->value, 8e6);
  EXPECT_EQ(run.find("bench:memory/allocation/1024:iterations"), nullptr);
}

TEST(BenchmarkJson, AggregatesOnlyGiveAValueWithoutSamples) {
  const RunResults run = read_text(bench_json);
  const Measurement* m = run.find("bench:cpu/parse/aggregates_only:real_time");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->samples.empty());
  EXPECT_DOUBLE_EQ(m->value, 2.5);
  EXPECT_EQ(m->unit, "ms");
}

TEST(BenchmarkJson, FailedBenchmarkIsRecordedWithItsMessage) {
  const RunResults run = read_text(bench_json);
  ASSERT_TRUE(run.failed.count("bench:network/broken"));
  EXPECT_EQ(run.failed.at("bench:network/broken"), "connection refused");
  EXPECT_EQ(run.find("bench:network/broken:real_time"), nullptr);
}

TEST(SummaryJson, MetricsResourcesTargetAndIntervalSamples) {
  const RunResults run = read_text(summary_json);
  EXPECT_EQ(run.scenarios, std::vector<std::string>{"baseline"});
  EXPECT_EQ(run.target_nodes, 1000);
  const Measurement* p95 = run.find("summary:baseline:http_req_duration:p(95)");
  ASSERT_NE(p95, nullptr);
  EXPECT_EQ(p95->value, 25);
  EXPECT_EQ(p95->unit, "ms");
  EXPECT_EQ(p95->samples, (std::vector<double>{24, 26}));  // the idle interval is not a latency sample
  const Measurement* errors = run.find("summary:baseline:http_req_failed:rate");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->unit, "ratio");
  EXPECT_EQ(errors->samples, (std::vector<double>{0.1, 0.2}));
  const Measurement* rps = run.find("summary:baseline:http_reqs:rate");
  ASSERT_NE(rps, nullptr);
  EXPECT_EQ(rps->unit, "/s");
  EXPECT_EQ(rps->samples.size(), 3u);
  ASSERT_NE(run.find("summary:baseline:http_req_duration{name:metrics}:p(95)"), nullptr);
  ASSERT_NE(run.find("resource:baseline:memory_bytes"), nullptr);
  EXPECT_EQ(run.find("resource:baseline:memory_bytes")->unit, "bytes");
  EXPECT_EQ(run.find("resource:baseline:cpu_cores")->unit, "cores");
  EXPECT_EQ(run.find("summary:baseline:data_received:count")->unit, "bytes");
  EXPECT_EQ(run.find("summary:baseline:http_req_failed:thresholds"), nullptr);  // nested objects are not values
}

TEST(SummaryJson, AbortedRunIsNoted) {
  std::string text = summary_json;
  text.replace(text.find("\"aborted\":false"), 15, "\"aborted\":true ");
  const RunResults run = read_text(text);
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_THAT(run.notes[0], HasSubstr("aborted"));
}

TEST(BenchmarkJson, ComplexityRowsAreNeitherValuesNorBenchmarks) {
  // ->Complexity() adds BigO and RMS rows whose run_name is the family: that is no benchmark of its own, so
  // it must not turn up as "benchmark is in a.json but not in a.json".
  const RunResults run = read_text(R"({"benchmarks": [
    {"name": "parse/1000", "run_name": "parse/1000", "run_type": "iteration", "real_time": 10, "time_unit": "us"},
    {"name": "parse/8000", "run_name": "parse/8000", "run_type": "iteration", "real_time": 80, "time_unit": "us"},
    {"name": "parse_BigO", "run_name": "parse", "run_type": "aggregate", "aggregate_name": "BigO",
     "cpu_coefficient": 0.01, "real_coefficient": 0.01, "big_o": "N", "time_unit": "us"},
    {"name": "parse_RMS", "run_name": "parse", "run_type": "aggregate", "aggregate_name": "RMS", "rms": 0.02}]})");
  EXPECT_EQ(run.benchmarks, (std::vector<std::string>{"parse/1000", "parse/8000"}));
  EXPECT_EQ(run.find("bench:parse:real_coefficient"), nullptr);
}

TEST(ResultErrors, MalformedJsonNamesFileLineAndColumn) {
  EXPECT_THAT(error_of("{\n  \"benchmarks\": [\n    {\"name\": \"x\",, }\n  ]\n}"),
              AllOf(HasSubstr("r.json:3:"), HasSubstr("malformed JSON")));
}

TEST(ResultErrors, NumberBeyondDoubleRangeIsAnErrorNamingTheFile) {
  // Found by tests/fuzz/google_benchmark_reader.cpp: nlohmann's out_of_range escaped as an internal error.
  EXPECT_THAT(error_of(R"({"benchmarks": [{"name": "a", "real_time": 1e999, "time_unit": "ns"}]})"),
              AllOf(HasSubstr("r.json: malformed JSON"), HasSubstr("number overflow")));
}

TEST(ResultErrors, BadFieldsAreNamed) {
  EXPECT_THAT(error_of(R"({"benchmarks": [{"name": "a", "real_time": "fast", "time_unit": "ns"}]})"),
              AllOf(HasSubstr("r.json"), HasSubstr("benchmarks[0].real_time"), HasSubstr("expected a number")));
  EXPECT_THAT(error_of(R"({"benchmarks": [{"name": "a", "cpu_time": 1}]})"), HasSubstr("benchmarks[0].real_time"));
  EXPECT_THAT(error_of(R"({"benchmarks": {}})"), HasSubstr("benchmarks: expected a list"));
  EXPECT_THAT(error_of(R"({"schema": "perfval/summary/v9", "metrics": {}})"), HasSubstr("unsupported schema"));
  EXPECT_THAT(error_of(R"({"schema": "perfval/summary/v1"})"), HasSubstr("metrics: missing"));
  EXPECT_THAT(error_of(R"({"schema": "perfval/summary/v1", "metrics": {"http_reqs": {"type": "counter", "rate": "x"}}})"),
              HasSubstr("metrics.http_reqs.rate"));
  EXPECT_THAT(error_of(R"({"hello": 1})"), HasSubstr("neither a perfval summary"));
  EXPECT_THAT(error_of("[1, 2]"), HasSubstr("expected a JSON object"));
}

class ResultFolders : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfval_results_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "run");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path dir_;
};

TEST_F(ResultFolders, FolderCombinesSummaryAndBenchmarks) {
  write(dir_ / "run" / "summary.json", summary_json);
  write(dir_ / "run" / "bench.json", bench_json);
  write(dir_ / "run" / "notes.txt", "ignored");
  const RunResults run = read_results((dir_ / "run").string());
  EXPECT_EQ(run.label, "run");
  EXPECT_NE(run.find("bench:memory/allocation/1024:real_time"), nullptr);
  EXPECT_NE(run.find("summary:baseline:http_req_duration:p(95)"), nullptr);
}

TEST_F(ResultFolders, EmptyFolderAndMissingPathAreErrors) {
  EXPECT_THROW(read_results((dir_ / "run").string()), Error);
  try {
    read_results((dir_ / "nope.json").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("nope.json: no such file"));
  }
}

}  // namespace
}  // namespace perfval::regression
