// A fixed-memory, mergeable log-linear latency histogram (HdrHistogram layout, 3 significant digits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::loadgen {

// Records integer values (microseconds in perfval) from 1 to kHighest with <= 0.1 % relative error.
// A value type: copy, merge with +=, serialize. The counters (~190 KiB) are allocated on the first record or
// merge of a non-empty histogram and never grow after that, whatever the run length; an unused histogram
// (the uncorrected latency of a closed model, a request name never sent) costs a few dozen bytes.
class Histogram {
 public:
  static constexpr std::int64_t kLowest = 1;                       // smallest distinguishable value, µs
  static constexpr std::int64_t kHighest = 3'600'000'000LL * 2;    // 2 hours in µs; larger values are clamped
  static constexpr int kSignificantDigits = 3;

  Histogram();

  // Records `value` `count` times. Values < 0 are recorded as 0; values > kHighest as kHighest (and counted
  // in clamped()). Allocates only the first time (see above).
  void record(std::int64_t value, std::int64_t count = 1);

  std::int64_t count() const { return total_count_; }
  bool empty() const { return total_count_ == 0; }
  std::int64_t min() const;  // 0 when empty
  std::int64_t max() const;  // 0 when empty; the highest equivalent value of the largest bucket used
  double mean() const;       // 0 when empty
  double stddev() const;     // population standard deviation; 0 when empty
  std::int64_t clamped() const { return clamped_count_; }  // values recorded above kHighest

  // Value at percentile p in [0, 100] (nearest rank: the smallest recorded value v such that at least p % of
  // values are <= v), reported as the highest value equivalent to that bucket. 0 when empty.
  std::int64_t value_at_percentile(double p) const;

  // Exact merge: the result equals having recorded both sets. Layouts are always identical.
  // Costs O(buckets between other's min and max), not O(layout).
  Histogram& operator+=(const Histogram& other);
  // Empties the histogram and keeps its counters allocated (for reuse); O(buckets between min and max).
  void reset();

  // Compact text encoding ("hdr1:" + base64 of run-length, varint-encoded counts), for summary files.
  std::string serialize() const;
  // Throws perfval::Error on malformed input.
  static Histogram deserialize(std::string_view text);

  // Non-empty buckets in increasing order: [lowest equivalent value, highest equivalent value], count.
  struct Bucket {
    std::int64_t low;
    std::int64_t high;
    std::int64_t count;
  };
  std::vector<Bucket> buckets() const;

  // Equal counts in every bucket, equal count/clamped/min/max; sums equal to 1e-9 relative (they are doubles,
  // so merging in a different order may change the last bits).
  bool operator==(const Histogram& other) const;

  // Bytes this histogram occupies (object plus counters): sizeof(Histogram) until first used, then constant.
  std::size_t memory_bytes() const { return sizeof(*this) + counts_.capacity() * sizeof(std::int64_t); }
  bool allocated() const { return !counts_.empty(); }
  // Number of counters in the layout (every histogram has the same).
  static std::size_t counts_length();

 private:
  int index_of(std::int64_t value) const;
  void allocate();
  std::vector<Bucket> buckets_between(int first, int last) const;  // non-empty buckets, indexes inclusive
  std::int64_t lowest_equivalent(int index) const;
  std::int64_t highest_equivalent(int index) const;

  std::vector<std::int64_t> counts_;  // one counter per bucket; empty until first used
  std::int64_t total_count_ = 0;      // sum of counts_
  std::int64_t clamped_count_ = 0;    // values above kHighest recorded as kHighest
  std::int64_t min_value_ = INT64_MAX;  // smallest recorded raw value
  std::int64_t max_value_ = 0;          // largest recorded raw value (after clamping)
  double sum_ = 0;                      // sum of recorded raw values, for mean
  double sum_squares_ = 0;              // sum of squared raw values, for stddev
};

}  // namespace perfval::loadgen
