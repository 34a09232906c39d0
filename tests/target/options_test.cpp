// Tests for the embedded target's fault options: latency and stall spellings, and latency sample statistics.
#include "perfval/target/options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace perfval::target {
namespace {

using std::chrono::milliseconds;
using Kind = LatencySpec::Kind;

LatencySpec parse_ok(std::string_view text) {
  const auto spec = parse_latency_spec(text);
  EXPECT_TRUE(spec.has_value()) << text;
  return spec.value_or(LatencySpec{});
}

// Draws n samples in milliseconds, sorted, from a fixed seed.
std::vector<double> draw(const LatencySpec& spec, int n, std::uint64_t seed = 7) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(static_cast<double>(spec.sample(rng).count()) / 1e6);
  std::sort(out.begin(), out.end());
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

TEST(LatencySpec, BareDurationIsFixed) {
  const auto spec = parse_ok("50ms");
  EXPECT_EQ(spec.kind, Kind::fixed);
  EXPECT_EQ(spec.a, milliseconds(50));
  EXPECT_EQ(spec.text, "50ms");
  std::mt19937_64 rng(1);
  EXPECT_EQ(spec.sample(rng), milliseconds(50));
}

TEST(LatencySpec, ExplicitFixed) {
  const auto spec = parse_ok("fixed:1.5s");
  EXPECT_EQ(spec.kind, Kind::fixed);
  EXPECT_EQ(spec.a, milliseconds(1500));
}

TEST(LatencySpec, ZeroAndNoneMeanNoDelay) {
  for (const char* text : {"0", "none"}) {
    const auto spec = parse_ok(text);
    EXPECT_EQ(spec.kind, Kind::none) << text;
    std::mt19937_64 rng(1);
    EXPECT_EQ(spec.sample(rng).count(), 0) << text;
  }
}

TEST(LatencySpec, UniformStaysWithinBoundsAndCoversThem) {
  const auto spec = parse_ok("uniform:10ms-50ms");
  EXPECT_EQ(spec.kind, Kind::uniform);
  EXPECT_EQ(spec.a, milliseconds(10));
  EXPECT_EQ(spec.b, milliseconds(50));
  const auto s = draw(spec, 20000);
  EXPECT_GE(s.front(), 10.0);
  EXPECT_LE(s.back(), 50.0);
  EXPECT_LT(s.front(), 11.0);
  EXPECT_GT(s.back(), 49.0);
  EXPECT_NEAR(mean(s), 30.0, 1.0);
  EXPECT_NEAR(quantile(s, 0.25), 20.0, 1.0);
}

TEST(LatencySpec, NormalHasItsMeanAndSpread) {
  const auto spec = parse_ok("normal:50ms/10ms");
  EXPECT_EQ(spec.kind, Kind::normal);
  const auto s = draw(spec, 20000);
  EXPECT_NEAR(mean(s), 50.0, 1.0);
  // 84th percentile of a normal is one standard deviation above the mean.
  EXPECT_NEAR(quantile(s, 0.8413) - quantile(s, 0.5), 10.0, 1.0);
}

TEST(LatencySpec, NormalIsClampedAtZero) {
  const auto spec = parse_ok("normal:5ms/20ms");
  const auto s = draw(spec, 20000);
  EXPECT_GE(s.front(), 0.0);
  // About 40% of an N(5, 20) falls below zero; those become exactly zero.
  const auto zeros = std::count(s.begin(), s.end(), 0.0);
  EXPECT_GT(zeros, 6000);
  EXPECT_LT(zeros, 10000);
}

TEST(LatencySpec, ExponentialHasItsMean) {
  const auto spec = parse_ok("exponential:20ms");
  EXPECT_EQ(spec.kind, Kind::exponential);
  const auto s = draw(spec, 50000);
  EXPECT_NEAR(mean(s), 20.0, 0.8);
  // Median of an exponential is mean * ln 2.
  EXPECT_NEAR(quantile(s, 0.5), 20.0 * std::log(2.0), 0.8);
}

TEST(LatencySpec, LognormalHasItsMedianAndP99) {
  const auto spec = parse_ok("lognormal:20ms/200ms");
  EXPECT_EQ(spec.kind, Kind::lognormal);
  EXPECT_EQ(spec.a, milliseconds(20));
  EXPECT_EQ(spec.b, milliseconds(200));
  const auto s = draw(spec, 100000);
  EXPECT_NEAR(quantile(s, 0.5), 20.0, 1.0);
  EXPECT_NEAR(quantile(s, 0.99), 200.0, 20.0);
}

TEST(LatencySpec, SameSeedSameSamples) {
  const auto spec = parse_ok("exponential:20ms");
  EXPECT_EQ(draw(spec, 100, 3), draw(spec, 100, 3));
  EXPECT_NE(draw(spec, 100, 3), draw(spec, 100, 4));
}

TEST(LatencySpec, RejectsBadSpellings) {
  for (const char* text : {"", "fast", "50", "-5ms", "fixed:", "fixed:abc", "uniform:50ms-10ms", "uniform:10ms",
                           "normal:50ms", "normal:50ms/-1ms", "exponential:0", "exponential:x",
                           "lognormal:20ms/10ms", "lognormal:0/10ms", "lognormal:20ms/20ms", "gamma:10ms",
                           "uniform:10ms-50ms-60ms"}) {
    EXPECT_FALSE(parse_latency_spec(text).has_value()) << "accepted \"" << text << "\"";
  }
}

TEST(StallSpec, ParsesLengthAndPeriod) {
  const auto spec = parse_stall_spec("500ms/5s");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->length, milliseconds(500));
  EXPECT_EQ(spec->period, milliseconds(5000));
  EXPECT_EQ(spec->text, "500ms/5s");
}

TEST(StallSpec, NoneDisablesStalls) {
  const auto spec = parse_stall_spec("none");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->period.count(), 0);
}

TEST(StallSpec, RejectsBadSpellings) {
  for (const char* text : {"", "500ms", "5s/500ms", "1s/1s", "0/5s", "500ms/0", "x/5s", "500ms/5s/1s"}) {
    EXPECT_FALSE(parse_stall_spec(text).has_value()) << "accepted \"" << text << "\"";
  }
}

}  // namespace
}  // namespace perfval::target
