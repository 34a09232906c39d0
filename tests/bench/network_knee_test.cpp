// The in-flight sweep's knee from benchmark rows: medians per level, error rows left out, the console line.
#include "perfval/bench/network_knee.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace perfval::bench {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

json row(int n, double rps, double p95, bool error = false) {
  json r = {{"run_name", "network/in_flight/" + std::to_string(n) + "/manual_time"}, {"run_type", "iteration"},
            {"iterations", 1000}, {"requests_per_second", rps}, {"latency_p95_ms", p95}};
  if (error) r["error_occurred"] = true;
  return r;
}

TEST(NetworkKnee, ThroughputThatStopsGrowingWhileP95ClimbsIsTheKnee) {
  // Throughput doubles up to 4 in flight, then barely grows while p95 doubles: the knee is at 4.
  json doc = {{"benchmarks", {row(1, 1000, 1.0), row(2, 1950, 1.05), row(4, 3800, 1.1), row(8, 4000, 2.1),
                              row(16, 4050, 4.2), {{"run_name", "network/api_latency/ping/manual_time"},
                                                   {"run_type", "iteration"}}}}};
  const auto k = in_flight_knee(doc);
  ASSERT_TRUE(k.has_value());
  ASSERT_EQ(k->levels.size(), 5u);
  EXPECT_EQ(k->knee.status, "found");
  EXPECT_EQ(k->knee.vus, 4);
  EXPECT_EQ(knee_line(*k), "network/in_flight: knee at 4 in flight (3800 req/s, p95 1.1 ms): from 4 VUs to 8 VUs "
                           "(+100 %) throughput grew 5 % while p95 rose 91 %");
}

TEST(NetworkKnee, MediansOverRepetitionsAndProcessesAndErrorRowsLeftOut) {
  // Level 2 has an outlier repetition and an error row; its median still doubles throughput: no knee.
  json doc = {{"benchmarks", {row(1, 1000, 1.0), row(1, 1010, 1.0), row(1, 990, 1.0), row(2, 2000, 1.0),
                              row(2, 100, 9.0), row(2, 2020, 1.0), row(2, 0, 0, true)}}};
  const auto k = in_flight_knee(doc);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->levels[1].rps, 2000);
  EXPECT_EQ(k->levels[1].p95_ms, 1.0);
  EXPECT_EQ(k->knee.status, "not reached");
  EXPECT_THAT(knee_line(*k), HasSubstr("network/in_flight: no knee up to 2 in flight (2000 req/s, p95 1 ms)"));
}

TEST(NetworkKnee, FewerThanTwoLevelsHaveNoKnee) {
  EXPECT_FALSE(in_flight_knee(json{{"benchmarks", {row(1, 1000, 1.0)}}}).has_value());
  EXPECT_FALSE(in_flight_knee(json{{"benchmarks", {row(1, 1000, 1.0), row(2, 0, 0, true)}}}).has_value());
  EXPECT_FALSE(in_flight_knee(json::object()).has_value());
}

}  // namespace
}  // namespace perfval::bench
