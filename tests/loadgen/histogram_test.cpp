// Tests for the log-linear latency histogram: accuracy against exact percentiles, merge, encoding, memory.
#include "perfval/loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "perfval/common/error.hpp"

namespace perfval::loadgen {
namespace {

const double kPercentiles[] = {0, 1, 50, 90, 95, 99, 99.9, 99.99, 100};

// Nearest rank on sorted data: the smallest value such that at least p % of the values are <= it.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

std::vector<std::int64_t> uniform_values(unsigned seed, std::size_t n, std::int64_t lo, std::int64_t hi) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> dist(lo, hi);
  std::vector<std::int64_t> out(n);
  for (auto& v : out) v = dist(rng);
  return out;
}

// Long-tailed latencies: exponential body (mean 2 ms) plus a lognormal tail reaching seconds.
std::vector<std::int64_t> long_tailed_values(unsigned seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> body(1.0 / 2000.0);
  std::lognormal_distribution<double> tail(13.0, 1.5);
  std::bernoulli_distribution in_tail(0.02);
  std::vector<std::int64_t> out(n);
  for (auto& v : out) v = 1 + static_cast<std::int64_t>(in_tail(rng) ? tail(rng) : body(rng));
  return out;
}

void expect_percentiles_close(const std::vector<std::int64_t>& values) {
  Histogram h;
  for (auto v : values) h.record(v);
  std::vector<std::int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (double p : kPercentiles) {
    const auto exact = static_cast<double>(exact_percentile(sorted, p));
    const auto got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_LE(std::fabs(got - exact), exact * 0.001) << "p" << p << " exact " << exact << " got " << got;
    EXPECT_GE(got, exact) << "p" << p << ": reported value is the bucket's highest equivalent";
  }
}

TEST(Histogram, PercentilesWithinOneTenthPercentOnUniformData) {
  for (unsigned seed : {1U, 7U, 42U, 1234U}) {
    SCOPED_TRACE(seed);
    expect_percentiles_close(uniform_values(seed, 200'000, 1, 10'000'000));
  }
}

TEST(Histogram, PercentilesWithinOneTenthPercentOnLongTailedData) {
  for (unsigned seed : {3U, 99U, 2024U}) {
    SCOPED_TRACE(seed);
    expect_percentiles_close(long_tailed_values(seed, 200'000));
  }
}

TEST(Histogram, PercentilesOnSmallSampleUseNearestRank) {
  Histogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.record(v * 2);  // all below 2048, so buckets are exact
  EXPECT_EQ(h.value_at_percentile(99.9), 1998);  // rank 999 of 1000, not 1000
  EXPECT_EQ(h.value_at_percentile(50), 1000);
  EXPECT_EQ(h.value_at_percentile(0), 2);
  EXPECT_EQ(h.value_at_percentile(100), 2000);
  EXPECT_EQ(h.value_at_percentile(50.01), 1002);  // rank ceil(500.1) = 501
  EXPECT_EQ(h.value_at_percentile(150), 2000);    // out-of-range p is clamped to [0, 100]
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record(v);
  const auto buckets = h.buckets();
  ASSERT_EQ(buckets.size(), 2048U);
  for (std::int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(buckets[static_cast<std::size_t>(v)].low, v);
    EXPECT_EQ(buckets[static_cast<std::size_t>(v)].high, v);
    EXPECT_EQ(buckets[static_cast<std::size_t>(v)].count, 1);
  }
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 2047);
  EXPECT_EQ(h.value_at_percentile(50), 1023);
}

TEST(Histogram, BucketsCoverValuesWithBoundedWidth) {
  Histogram h;
  const std::int64_t probes[] = {2048, 2049, 4095, 4096, 123'456, 999'999, 65'000'000, Histogram::kHighest};
  for (auto v : probes) {
    h.reset();
    h.record(v);
    const auto b = h.buckets();
    ASSERT_EQ(b.size(), 1U);
    EXPECT_LE(b[0].low, v);
    EXPECT_GE(b[0].high, v);
    EXPECT_LE(static_cast<double>(b[0].high - b[0].low + 1), static_cast<double>(v) / 1000.0) << v;
  }
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stddev(), 0.0);
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_TRUE(h.buckets().empty());
}

TEST(Histogram, MinMaxMeanStddev) {
  Histogram h;
  h.record(100);
  h.record(200, 2);
  h.record(600);
  EXPECT_EQ(h.count(), 4);
  EXPECT_EQ(h.min(), 100);
  EXPECT_EQ(h.max(), 600);
  EXPECT_DOUBLE_EQ(h.mean(), 275.0);
  // population stddev of {100, 200, 200, 600}
  EXPECT_NEAR(h.stddev(), std::sqrt((175.0 * 175 + 75 * 75 * 2 + 325 * 325) / 4), 1e-9);
  h.record(-5);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.count(), 5);
  h.record(50, 0);
  EXPECT_EQ(h.count(), 5);
}

TEST(Histogram, ValuesAboveHighestAreClampedAndCounted) {
  Histogram h;
  h.record(10);
  h.record(Histogram::kHighest * 3, 2);
  EXPECT_EQ(h.count(), 3);
  EXPECT_EQ(h.clamped(), 2);
  EXPECT_GE(h.max(), Histogram::kHighest);
  EXPECT_LE(static_cast<double>(h.max()), static_cast<double>(Histogram::kHighest) * 1.001);
  EXPECT_EQ(h.value_at_percentile(100), h.max());
  EXPECT_EQ(h.value_at_percentile(33), 10);
}

TEST(Histogram, MergeEqualsRecordingTheUnion) {
  const auto a_values = long_tailed_values(5, 50'000);
  const auto b_values = uniform_values(6, 30'000, 1, 50'000'000);
  Histogram a, b, both;
  for (auto v : a_values) a.record(v), both.record(v);
  for (auto v : b_values) b.record(v), both.record(v);
  b.record(Histogram::kHighest + 1);
  both.record(Histogram::kHighest + 1);
  Histogram merged = a;
  merged += b;
  EXPECT_EQ(merged, both);
  EXPECT_FALSE(merged == a);
  EXPECT_EQ(merged.count(), both.count());
  EXPECT_EQ(merged.clamped(), 1);
  EXPECT_EQ(merged.min(), both.min());
  EXPECT_EQ(merged.max(), both.max());
  EXPECT_NEAR(merged.mean(), both.mean(), both.mean() * 1e-12);
  EXPECT_NEAR(merged.stddev(), both.stddev(), both.stddev() * 1e-9);
  for (double p : kPercentiles) EXPECT_EQ(merged.value_at_percentile(p), both.value_at_percentile(p)) << p;
}

TEST(Histogram, MergeWithEmptyKeepsMinAndMax) {
  Histogram a, empty;
  a.record(500);
  a += empty;
  EXPECT_EQ(a.min(), 500);
  empty += a;
  EXPECT_EQ(empty, a);
  EXPECT_EQ(empty.min(), 500);
}

TEST(Histogram, ResetEmptiesEverything) {
  Histogram h;
  for (auto v : uniform_values(9, 1000, 1, 1'000'000)) h.record(v);
  h.record(Histogram::kHighest * 2);
  h.reset();
  EXPECT_EQ(h, Histogram());
  EXPECT_EQ(h.clamped(), 0);
  EXPECT_EQ(h.min(), 0);
  h.record(7);
  EXPECT_EQ(h.min(), 7);
}

TEST(Histogram, MemoryIsFixedWhateverIsRecorded) {
  Histogram h;
  h.record(1);
  const std::size_t before = h.memory_bytes();
  EXPECT_LE(before, 200U * 1024U);  // the documented ~190 KiB
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::int64_t> dist(0, Histogram::kHighest * 2);
  for (int i = 0; i < 3'000'000; ++i) h.record(dist(rng));
  EXPECT_EQ(h.memory_bytes(), before);
  EXPECT_EQ(h.count(), 3'000'001);
  h.reset();
  EXPECT_EQ(h.memory_bytes(), before) << "reset keeps the counters for reuse";
}

TEST(Histogram, UnusedHistogramAllocatesNoCounters) {
  // A closed model never records the uncorrected latency; an unsent request name records nothing.
  Histogram unused;
  EXPECT_FALSE(unused.allocated());
  EXPECT_LT(unused.memory_bytes(), 256U);
  Histogram merged;
  merged += unused;
  EXPECT_FALSE(merged.allocated()) << "merging an empty histogram allocates nothing";
  EXPECT_EQ(Histogram::deserialize(unused.serialize()).allocated(), false);
  EXPECT_EQ(unused, Histogram::deserialize(unused.serialize()));
  Histogram used;
  used.record(5);
  used.reset();
  EXPECT_EQ(used, unused) << "an emptied histogram equals one never used";
}

TEST(Histogram, MergeAndResetTouchOnlyTheRangeUsedYetStayExact) {
  // Merging copies only the buckets between the source's min and max; reset clears only its own range.
  Histogram a, b, both;
  for (auto v : uniform_values(21, 5000, 900, 1100)) a.record(v), both.record(v);
  for (auto v : long_tailed_values(22, 5000)) b.record(v), both.record(v);
  Histogram sum;
  sum += a;
  sum += b;
  EXPECT_EQ(sum, both);
  sum.reset();
  sum += a;
  EXPECT_EQ(sum, a) << "reset left no counts behind outside the first range";
  sum.reset();
  for (auto v : long_tailed_values(22, 5000)) sum.record(v);
  EXPECT_EQ(sum, b);
}

TEST(Histogram, SerializeRoundTripsRandomData) {
  Histogram h;
  for (auto v : long_tailed_values(21, 100'000)) h.record(v);
  const std::string text = h.serialize();
  EXPECT_EQ(text.rfind("hdr1:", 0), 0U);
  const Histogram back = Histogram::deserialize(text);
  EXPECT_EQ(back, h);
  EXPECT_EQ(back.mean(), h.mean());
  EXPECT_EQ(back.stddev(), h.stddev());
  for (double p : kPercentiles) EXPECT_EQ(back.value_at_percentile(p), h.value_at_percentile(p));
  EXPECT_LT(text.size(), 40'000U) << "zero runs should keep the encoding compact";
}

TEST(Histogram, SerializeRoundTripsEmptyAndClamped) {
  const Histogram empty;
  const Histogram empty_back = Histogram::deserialize(empty.serialize());
  EXPECT_EQ(empty_back, empty);
  EXPECT_TRUE(empty_back.empty());
  EXPECT_EQ(empty_back.min(), 0);

  Histogram clamped;
  clamped.record(0);
  clamped.record(Histogram::kHighest + 10, 3);
  const Histogram back = Histogram::deserialize(clamped.serialize());
  EXPECT_EQ(back, clamped);
  EXPECT_EQ(back.clamped(), 3);
  EXPECT_EQ(back.min(), 0);
  EXPECT_EQ(back.max(), clamped.max());
}

TEST(Histogram, SerializeRoundTripsEveryPaddingLength) {
  // Different data sizes exercise base64 groups ending with 0, 1 and 2 padding characters.
  std::set<std::size_t> paddings;
  for (std::int64_t n = 1; n <= 12; ++n) {
    Histogram h;
    for (std::int64_t i = 1; i <= n; ++i) h.record(i * 37, i);
    const std::string text = h.serialize();
    paddings.insert(static_cast<std::size_t>(std::count(text.begin(), text.end(), '=')));
    EXPECT_EQ(Histogram::deserialize(text), h) << text;
  }
  EXPECT_EQ(paddings.size(), 3U);
}

void expect_rejected(const std::string& text, const std::string& reason_part) {
  try {
    Histogram::deserialize(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(reason_part), std::string::npos) << e.what();
  }
}

TEST(Histogram, DeserializeRejectsMalformedInput) {
  Histogram h;
  for (auto v : uniform_values(4, 1000, 1, 100'000)) h.record(v);
  const std::string good = h.serialize();
  expect_rejected("", "hdr1:");
  expect_rejected("garbage", "hdr1:");
  expect_rejected("hdr2:AAAA", "unknown version");
  expect_rejected("hdr1:", "truncated");
  expect_rejected(good.substr(0, good.size() - 4), "");      // drops trailing counts: sum mismatch
  expect_rejected(good.substr(0, 20), "truncated");          // cut inside the header
  expect_rejected(good.substr(0, good.size() - 1), "multiple of 4");
  std::string bad_char = good;
  bad_char[10] = '*';
  expect_rejected(bad_char, "invalid base64");
}

TEST(Histogram, DeserializeRejectsInconsistentHeader) {
  Histogram h;
  h.record(1000);
  h.record(5000);
  const std::string good = h.serialize();
  // Flip every base64 character in turn: each damaged text must be rejected or decode to a valid histogram
  // (never crash, never yield counts that disagree with the header).
  int rejected = 0;
  for (std::size_t i = 5; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    try {
      const Histogram back = Histogram::deserialize(bad);
      std::int64_t sum = 0;
      for (const auto& b : back.buckets()) sum += b.count;
      EXPECT_EQ(sum, back.count());
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, static_cast<int>(good.size() - 5) / 2);
}

}  // namespace
}  // namespace perfval::loadgen
