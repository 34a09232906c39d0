// Tests of baselines files: the users' format, sources, inferred directions, errors with locations, rewriting.
#include "perfval/regression/baseline.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "perfval/common/error.hpp"

namespace perfval::regression {
namespace {

using ::testing::HasSubstr;

const char* users_file = R"(# performance baselines — ±, µs
memory_allocation:   {metric: allocations_per_second,      baseline: 10000, tolerance: 10%, unit: allocs/sec}
metric_processing:   {metric: metrics_processed_per_second, baseline: 1000, tolerance: 15%, unit: metrics/sec}
slurm_api_latency:   {metric: api_response_time_p95,       baseline: 100,   tolerance: 20%, unit: ms}
gc_pressure:         {metric: gc_pause_time_p99,           baseline: 10,    tolerance: 25%, unit: ms}
)";

std::string error_of(const std::string& text) {
  try {
    parse_baselines(text, "b.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Baselines, ReadsTheUsersFormatAndInfersDirections) {
  const BaselineFile f = parse_baselines(users_file, "b.yaml");
  ASSERT_EQ(f.entries.size(), 4u);
  EXPECT_EQ(f.entries[0].name, "memory_allocation");
  EXPECT_EQ(f.entries[0].metric, "allocations_per_second");
  EXPECT_EQ(f.entries[0].baseline, 10000);
  EXPECT_EQ(f.entries[0].tolerance_pct, 10);
  EXPECT_EQ(f.entries[0].direction, Direction::higher_is_better);
  EXPECT_TRUE(f.entries[0].direction_inferred);
  EXPECT_EQ(f.entries[2].direction, Direction::lower_is_better);
  EXPECT_EQ(f.entries[3].tolerance_pct, 25);
  EXPECT_EQ(f.entries[3].where.line, 5);
  EXPECT_EQ(f.entries[1].source.kind, MetricSource::Kind::lookup);
}

TEST(Baselines, ExplicitDirectionAndSourcesAndSla) {
  const BaselineFile f = parse_baselines(R"yaml(sla: {tier: medium}
hits: {metric: cache_hit_pct, baseline: 90, tolerance: 5, unit: "%", direction: higher_is_better}
alloc:
  metric: allocations_per_second
  baseline: 1e4
  tolerance: 10%
  unit: allocs/sec
  source: {benchmark: memory/allocation, counter: allocations_per_second}
mem: {metric: memory_bytes, baseline: 256Mi, tolerance: 10%, unit: bytes, source: {resource: memory_bytes}}
p95: {metric: p95, baseline: 100, tolerance: 20%, unit: ms, source: {summary: http_req_duration, field: "p(95)", scenario: baseline}}
)yaml", "b.yaml");
  ASSERT_EQ(f.entries.size(), 4u);
  EXPECT_EQ(f.sla.tier, SlaTier::medium);
  EXPECT_EQ(f.entries[0].direction, Direction::higher_is_better);
  EXPECT_FALSE(f.entries[0].direction_inferred);
  EXPECT_EQ(f.entries[1].baseline, 10000);
  EXPECT_EQ(f.entries[1].source.kind, MetricSource::Kind::benchmark);
  EXPECT_EQ(f.entries[1].source.name, "memory/allocation");
  EXPECT_EQ(f.entries[1].source.field, "allocations_per_second");
  EXPECT_EQ(f.entries[2].baseline, 256.0 * 1024 * 1024);
  EXPECT_EQ(f.entries[2].source.kind, MetricSource::Kind::resource);
  EXPECT_EQ(f.entries[3].source.kind, MetricSource::Kind::summary);
  EXPECT_EQ(f.entries[3].source.field, "p(95)");
  EXPECT_EQ(f.entries[3].source.scenario, "baseline");
}

TEST(Baselines, ErrorsNameFileLineAndField) {
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: ms, tolerence: 3}\n"),
              AllOf(HasSubstr("b.yaml:1:"), HasSubstr("tolerence"), HasSubstr("did you mean \"tolerance\"")));
  EXPECT_THAT(error_of("\n\na: {metric: x, baseline: fast, tolerance: 10%, unit: ms}\n"),
              AllOf(HasSubstr("b.yaml:3:"), HasSubstr("a.baseline"), HasSubstr("expected a number")));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%}\n"), AllOf(HasSubstr("b.yaml:1:"), HasSubstr("unit")));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: widgets}\n"),
              AllOf(HasSubstr("a.unit"), HasSubstr("direction: higher_is_better")));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: ms, direction: up}\n"),
              AllOf(HasSubstr("a.direction"), HasSubstr("higher_is_better or lower_is_better")));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: -5%, unit: ms}\n"), HasSubstr("must not be negative"));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 5%, unit: ms, source: {benchmark: a, summary: b}}\n"),
              HasSubstr("exactly one of benchmark, summary or resource"));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 5%, unit: ms, source: {summary: b}}\n"),
              AllOf(HasSubstr("a.source.field"), HasSubstr("missing")));
  EXPECT_THAT(error_of("sla: {tier: huge}\n"), AllOf(HasSubstr("sla.tier"), HasSubstr("small, medium, large")));
  EXPECT_THAT(error_of("a: [1, 2]\n"), HasSubstr("b.yaml:1:"));
  EXPECT_THAT(error_of("a: {metric: x\n"), HasSubstr("YAML syntax error"));
  // An empty metric or unit, written out or as a bare YAML tag (found by fuzz_replay.baselines_reader's mutation).
  EXPECT_THAT(error_of("a: {metric: \"\", baseline: 1, tolerance: 10%, unit: ms}\n"),
              AllOf(HasSubstr("b.yaml:1:"), HasSubstr("a.metric"), HasSubstr("must not be empty")));
  EXPECT_THAT(error_of("a: {metric: !pi_response_time_p99, baseline: 1, tolerance: 10%, unit: ms}\n"),
              AllOf(HasSubstr("a.metric"), HasSubstr("must not be empty")));
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: '', direction: lower_is_better}\n"),
              AllOf(HasSubstr("a.unit"), HasSubstr("must not be empty")));
  EXPECT_THAT(error_of("a: {metric: \"  \", baseline: 1, tolerance: 10%, unit: ms}\n"),
              AllOf(HasSubstr("a.metric"), HasSubstr("must not be empty or blank")));
  // ~ is YAML's null: for an optional field "leave it out" is what was meant, and the message says so (it said
  // "required field is missing"); a source's own name is not optional, so there it says no such thing.
  for (const std::string field : {"counter", "scenario"}) {
    const std::string source = field == "counter" ? "{benchmark: b, counter: ~}" : "{resource: memory_bytes, scenario: ~}";
    EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: ms, source: " + source + "}\n"),
                AllOf(HasSubstr("a.source." + field), HasSubstr("must not be empty (leave the field out instead)")));
  }
  EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: ms, source: {benchmark: ~}}\n"),
              ::testing::Not(HasSubstr("leave the field out")));
  for (const std::string key : {"''", "~"})
    EXPECT_THAT(error_of(key + ": {metric: x, baseline: 1, tolerance: 10%, unit: ms}\n"),
                AllOf(HasSubstr("b.yaml:1:"), HasSubstr("an entry needs a name")))
        << key;
  // The source's names too: an empty benchmark, summary or resource matched nothing, an empty counter or scenario
  // silently meant the same as none.
  for (const auto& [source, field] : std::vector<std::pair<std::string, std::string>>{
           {"{benchmark: ''}", "a.source.benchmark"},
           {"{benchmark: b, counter: \"\"}", "a.source.counter"},
           {"{summary: '', field: p99}", "a.source.summary"},
           {"{summary: s, field: ''}", "a.source.field"},
           {"{resource: !x}", "a.source.resource"},
           {"{resource: memory_bytes, scenario: ''}", "a.source.scenario"},
           {"{benchmark: ~}", "a.source.benchmark"},
           {"{benchmark: '   '}", "a.source.benchmark"}}) {
    EXPECT_THAT(error_of("a: {metric: x, baseline: 1, tolerance: 10%, unit: ms, source: " + source + "}\n"),
                AllOf(HasSubstr("b.yaml:1:"), HasSubstr(field), HasSubstr("must not be empty")))
        << source;
  }
}

TEST(Baselines, MissingFileIsAClearError) {
  try {
    load_baselines("/nonexistent/baselines.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/baselines.yaml"));
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(Baselines, UpdateKeepsLayoutCommentsAndOrder) {
  const BaselineFile f = parse_baselines(std::string(users_file) + "block:  # a block entry\n  metric: m\n  baseline: \"7\"  # quoted\n  tolerance: 5%\n  unit: ms\n", "b.yaml");
  const std::string out = update_baseline_text(f, {{"memory_allocation", 12345.678}, {"gc_pressure", 9.87654}, {"block", 8.5}});
  EXPECT_THAT(out, HasSubstr("# performance baselines — ±, µs\n"));
  EXPECT_THAT(out, HasSubstr("memory_allocation:   {metric: allocations_per_second,      baseline: 12346, tolerance: 10%"));
  EXPECT_THAT(out, HasSubstr("metric_processing:   {metric: metrics_processed_per_second, baseline: 1000, tolerance"));
  EXPECT_THAT(out, HasSubstr("baseline: 9.877,    tolerance: 25%"));
  EXPECT_THAT(out, HasSubstr("  baseline: 8.5  # quoted\n"));
  // The rewritten file reads back with the new values and the same entries in the same order.
  const BaselineFile again = parse_baselines(out, "b.yaml");
  ASSERT_EQ(again.entries.size(), 5u);
  EXPECT_EQ(again.entries[0].baseline, 12346);
  EXPECT_EQ(again.entries[1].baseline, 1000);
  EXPECT_DOUBLE_EQ(again.entries[3].baseline, 9.877);
  EXPECT_EQ(again.entries[4].name, "block");
  EXPECT_EQ(again.entries[4].baseline, 8.5);
}

TEST(BaselineTestbed, FingerprintsParseAndMatch) {
  const auto t = parse_testbed("AMD EPYC 7B13, 8 cores");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->cpu_model, "AMD EPYC 7B13");
  EXPECT_EQ(t->cores, 8);
  EXPECT_EQ(t->fingerprint(), "AMD EPYC 7B13, 8 cores");
  EXPECT_EQ(parse_testbed("Apple M1, 1 core")->cores, 1);
  EXPECT_FALSE(parse_testbed("AMD EPYC"));
  EXPECT_FALSE(parse_testbed("AMD EPYC, eight cores"));
  EXPECT_FALSE(parse_testbed(", 2 cores"));
  EXPECT_TRUE(same_testbed(*t, {"amd  EPYC 7b13", 8}));
  EXPECT_FALSE(same_testbed(*t, {"AMD EPYC 7B13", 4}));
  EXPECT_FALSE(same_testbed(*t, {}));  // unknown never matches
}

TEST(BaselineTestbed, OversubscribedMeansMoreRunnableThanCores) {
  MachineContext m;
  m.testbed = {"AMD EPYC", 2};
  EXPECT_FALSE(m.oversubscribed());  // load unknown
  m.load_average = "2.00 1.00 1.00";
  EXPECT_FALSE(m.oversubscribed());
  m.load_average = "2.51 1.00 1.00";
  EXPECT_TRUE(m.oversubscribed());
  EXPECT_DOUBLE_EQ(*m.load_1m(), 2.51);
  m.load_average = "busy";
  EXPECT_FALSE(m.load_1m());
  m.load_average = "9.00";
  m.testbed.cores = 0;  // cores unknown
  EXPECT_FALSE(m.oversubscribed());
}

TEST(BaselineTestbed, FileAndEntryTestbedsAndTheirErrors) {
  const BaselineFile f = parse_baselines(
      "# measured on the CI runner\ntestbed: \"AMD EPYC, 2 cores\"\n"
      "a: {metric: m, baseline: 1, tolerance: 5%, unit: ms}\n"
      "b: {metric: m, baseline: 1, tolerance: 5%, unit: ms, testbed: \"Intel Xeon, 16 cores\"}\n", "b.yaml");
  EXPECT_EQ(f.testbed.fingerprint(), "AMD EPYC, 2 cores");
  EXPECT_EQ(testbed_of(f, f.entries[0]).cores, 2);
  EXPECT_EQ(testbed_of(f, f.entries[1]).cores, 16);
  try {
    parse_baselines("testbed: \"a laptop\"\n", "b.yaml");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("b.yaml:1:10: testbed: expected \"CPU MODEL, N cores\""));
  }
}

TEST(BaselineTestbed, UpdateWritesTheTestbed) {
  const BaselineFile with = parse_baselines(
      "# header\ntestbed: \"Old CPU, 4 cores\"\na: {metric: m, baseline: 1, tolerance: 5%, unit: ms}\n"
      "b: {metric: m, baseline: 1, tolerance: 5%, unit: ms, testbed: \"Other, 2 cores\"}\n", "b.yaml");
  const std::string out = update_baseline_text(with, {{"a", 2}, {"b", 3}}, {"AMD EPYC", 2});
  const BaselineFile again = parse_baselines(out, "b.yaml");
  EXPECT_EQ(again.testbed.fingerprint(), "AMD EPYC, 2 cores");
  EXPECT_EQ(again.entries[1].testbed.fingerprint(), "AMD EPYC, 2 cores");
  EXPECT_THAT(out, HasSubstr("# header\n"));
  const BaselineFile without =
      parse_baselines("# header\n\na: {metric: m, baseline: 1, tolerance: 5%, unit: ms}\n", "b.yaml");
  const std::string inserted = update_baseline_text(without, {{"a", 2}}, {"AMD EPYC", 2});
  EXPECT_THAT(inserted, HasSubstr("# header\n\ntestbed: \"AMD EPYC, 2 cores\""));
  EXPECT_EQ(parse_baselines(inserted, "b.yaml").entries[0].baseline, 2);
  EXPECT_EQ(update_baseline_text(without, {{"a", 2}}), "# header\n\na: {metric: m, baseline: 2, tolerance: 5%, unit: ms}\n");
}

TEST(Baselines, NumbersAreWrittenReadably) {
  EXPECT_EQ(format_baseline_number(10000), "10000");
  EXPECT_EQ(format_baseline_number(123.456), "123.5");
  EXPECT_EQ(format_baseline_number(0.000123456), "0.0001235");
  EXPECT_EQ(format_baseline_number(2.0), "2");
  EXPECT_EQ(format_baseline_number(5.5e9), "5500000000");
}

TEST(Baselines, ShippedFileIsValid) {
  const std::string path = std::string(PERFVAL_SOURCE_DIR) + "/baselines/performance-baselines.yaml";
  const BaselineFile f = load_baselines(path);
  ASSERT_GE(f.entries.size(), 4u);
  std::vector<std::string> names;
  for (const auto& e : f.entries) names.push_back(e.name);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"memory_allocation", "metric_processing", "slurm_api_latency", "gc_pressure"}));
  EXPECT_TRUE(f.testbed.known()) << "the shipped file says which machine its values come from";
}

}  // namespace
}  // namespace perfval::regression
