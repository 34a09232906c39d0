// The console summary: repetitions folded, categories grouped in suite order, failures shown and counted.
#include "perfval/bench/console_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace perfval::bench {
namespace {

using ::testing::HasSubstr;

RunRecord rec(const std::string& name, double ns, std::map<std::string, double> counters = {}) {
  RunRecord r;
  r.run_name = name;
  r.real_time_ns = ns;
  r.counters = std::move(counters);
  return r;
}

TEST(ConsoleTable, FoldsRepetitionsIntoMedianAndSpread) {
  const auto rows = summarize({rec("cpu/a/1", 100), rec("cpu/a/1", 300), rec("cpu/a/1", 200)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].repetitions, 3);
  EXPECT_EQ(rows[0].median_ns, 200);
  EXPECT_NEAR(rows[0].spread_pct, 50.0, 1e-9);  // sd 100 / mean 200
  EXPECT_EQ(rows[0].category, "cpu");
}

TEST(ConsoleTable, HeadlinePrefersTheBaselineCounters) {
  const auto rows = summarize({rec("network/api_latency/ping", 1000,
                                   {{"api_response_time_p95", 0.25}, {"requests_per_second", 12000}}),
                               rec("memory/allocation/mixed", 1000,
                                   {{"allocations_per_second", 3.5e7}, {"items_per_second", 1e6}})});
  EXPECT_EQ(rows[0].figure, "p95 0.25 ms");
  EXPECT_EQ(rows[1].figure, "35M allocs/s");
}

TEST(ConsoleTable, GroupsBySuiteOrderAndCountsFailures) {
  RunRecord failed = rec("network/x", 0);
  failed.error = "connect http://127.0.0.1:1: Connection refused";
  const std::string table =
      render_table(summarize({rec("scalability/s/1", 5e6), failed, rec("memory/m/1", 2500), rec("cpu/c/1", 10)}));
  const auto memory = table.find("memory/"), cpu = table.find("cpu/"), network = table.find("network/"),
             scalability = table.find("scalability/");
  ASSERT_NE(memory, std::string::npos);
  EXPECT_LT(memory, cpu);
  EXPECT_LT(cpu, network);
  EXPECT_LT(network, scalability);
  EXPECT_THAT(table, HasSubstr("ERROR: connect http://127.0.0.1:1: Connection refused"));
  EXPECT_THAT(table, HasSubstr("2.5 us"));
  EXPECT_THAT(table, HasSubstr("5 ms"));
  EXPECT_THAT(table, HasSubstr("4 benchmarks, 1 failed"));
}

TEST(ConsoleTable, SiAndDurationFormatting) {
  EXPECT_EQ(format_si(999), "999");
  EXPECT_EQ(format_si(1234567), "1.23M");
  EXPECT_EQ(format_si(2.5e9), "2.5G");
  EXPECT_EQ(format_duration_ns(850), "850 ns");
  EXPECT_EQ(format_duration_ns(1.5e9), "1.5 s");
}

}  // namespace
}  // namespace perfval::bench
