// Nearest-rank percentiles on hand-worked samples.
#include "perfval/bench/percentiles.hpp"

#include <gtest/gtest.h>

namespace perfval::bench {
namespace {

TEST(Percentiles, NearestRankOnOneToHundred) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 95), 95);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 100), 100);
  EXPECT_EQ(percentile(v, 0), 1);
}

TEST(Percentiles, SmallSamplesPickAnObservedValue) {
  std::vector<double> v{3.0, 1.0, 2.0};
  EXPECT_EQ(percentile(v, 50), 2.0);  // rank ceil(1.5) = 2
  EXPECT_EQ(percentile(v, 99), 3.0);
  std::vector<double> empty;
  EXPECT_EQ(percentile(empty, 99), 0.0);
}

TEST(Percentiles, P99StatisticOfFiveRepetitionsIsTheWorst) {
  EXPECT_EQ(p99_statistic({4.0, 9.0, 1.0, 7.0, 2.0}), 9.0);
}

}  // namespace
}  // namespace perfval::bench
