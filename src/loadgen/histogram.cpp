// Histogram: log-linear buckets (3 significant digits), O(1) record, exact merge, compact text encoding.
#include "perfval/loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "perfval/common/error.hpp"

namespace perfval::loadgen {

namespace {

// Layout: each power-of-two range ("bucket") holds kSubBucketHalf linear sub-buckets, so the width of a
// sub-bucket is at most 1/1024 of its values (< 0.1 %). Values below kSubBucketCount are exact.
constexpr int kSubBucketBits = 11;                          // ceil(log2(2 * 10^3)): 3 significant digits
constexpr std::int64_t kSubBucketCount = 1LL << kSubBucketBits;  // 2048
constexpr int kSubBucketHalfBits = kSubBucketBits - 1;
constexpr std::int64_t kSubBucketHalf = kSubBucketCount / 2;     // 1024
constexpr std::int64_t kSubBucketMask = kSubBucketCount - 1;

// Number of power-of-two buckets needed so that kHighest has an index.
constexpr int bucket_count() {
  std::int64_t smallest_untrackable = kSubBucketCount;
  int buckets = 1;
  while (smallest_untrackable <= Histogram::kHighest) {
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return buckets;
}
constexpr std::size_t kCountsLen = static_cast<std::size_t>(bucket_count() + 1) * kSubBucketHalf;

int bucket_of(std::int64_t value) {
  const auto v = static_cast<std::uint64_t>(value | kSubBucketMask);
  return 63 - std::countl_zero(v) - kSubBucketHalfBits;
}

}  // namespace

Histogram::Histogram() = default;

void Histogram::allocate() { counts_.assign(kCountsLen, 0); }

std::size_t Histogram::counts_length() { return kCountsLen; }

int Histogram::index_of(std::int64_t value) const {
  const int bucket = bucket_of(value);
  const std::int64_t sub = value >> bucket;  // in [kSubBucketHalf, kSubBucketCount) once bucket > 0
  return static_cast<int>(((static_cast<std::int64_t>(bucket) + 1) << kSubBucketHalfBits) + (sub - kSubBucketHalf));
}

std::int64_t Histogram::lowest_equivalent(int index) const {
  int bucket = (index >> kSubBucketHalfBits) - 1;
  std::int64_t sub = (index & (kSubBucketHalf - 1)) + kSubBucketHalf;
  if (bucket < 0) {
    sub -= kSubBucketHalf;
    bucket = 0;
  }
  return sub << bucket;
}

std::int64_t Histogram::highest_equivalent(int index) const {
  const int bucket = std::max(0, (index >> kSubBucketHalfBits) - 1);
  return lowest_equivalent(index) + (std::int64_t{1} << bucket) - 1;
}

void Histogram::record(std::int64_t value, std::int64_t count) {
  if (count <= 0) return;
  if (value < 0) value = 0;
  if (value > kHighest) {
    value = kHighest;
    clamped_count_ += count;
  }
  if (counts_.empty()) allocate();
  counts_[static_cast<std::size_t>(index_of(value))] += count;
  total_count_ += count;
  min_value_ = std::min(min_value_, value);
  max_value_ = std::max(max_value_, value);
  const double v = static_cast<double>(value);
  const double c = static_cast<double>(count);
  sum_ += v * c;
  sum_squares_ += v * v * c;
}

std::int64_t Histogram::min() const { return empty() ? 0 : min_value_; }

std::int64_t Histogram::max() const { return empty() ? 0 : highest_equivalent(index_of(max_value_)); }

double Histogram::mean() const { return empty() ? 0.0 : sum_ / static_cast<double>(total_count_); }

double Histogram::stddev() const {
  if (empty()) return 0.0;
  const double n = static_cast<double>(total_count_);
  const double m = sum_ / n;
  const double variance = sum_squares_ / n - m * m;
  return variance > 0 ? std::sqrt(variance) : 0.0;
}

std::int64_t Histogram::value_at_percentile(double p) const {
  if (empty()) return 0;
  p = std::clamp(std::isnan(p) ? 0.0 : p, 0.0, 100.0);
  // Nearest rank = ceil(p/100 * n); the small tolerance keeps e.g. 99.9 % of 1000 at rank 999, not 1000,
  // when the product comes out a hair above the integer in binary floating point.
  const long double exact = static_cast<long double>(p) * static_cast<long double>(total_count_) / 100.0L;
  auto rank = static_cast<std::int64_t>(std::ceil(exact - 1e-9L));
  rank = std::clamp<std::int64_t>(rank, 1, total_count_);
  std::int64_t seen = 0;
  const int last = index_of(max_value_);
  for (int i = index_of(min_value_); i <= last; ++i) {
    seen += counts_[static_cast<std::size_t>(i)];
    if (seen >= rank) return highest_equivalent(i);
  }
  return max();
}

Histogram& Histogram::operator+=(const Histogram& other) {
  if (other.empty()) return *this;
  if (counts_.empty()) allocate();
  // Only the buckets between other's min and max can hold counts: a few hundred, not the whole layout.
  const auto first = static_cast<std::size_t>(index_of(other.min_value_));
  const auto last = static_cast<std::size_t>(index_of(other.max_value_));
  for (std::size_t i = first; i <= last; ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  clamped_count_ += other.clamped_count_;
  min_value_ = std::min(min_value_, other.min_value_);
  max_value_ = std::max(max_value_, other.max_value_);
  sum_ += other.sum_;
  sum_squares_ += other.sum_squares_;
  return *this;
}

void Histogram::reset() {
  if (!empty()) {
    const auto first = counts_.begin() + index_of(min_value_);
    std::fill(first, counts_.begin() + index_of(max_value_) + 1, 0);
  }
  total_count_ = 0;
  clamped_count_ = 0;
  min_value_ = INT64_MAX;
  max_value_ = 0;
  sum_ = 0;
  sum_squares_ = 0;
}

std::vector<Histogram::Bucket> Histogram::buckets() const {
  if (empty()) return {};
  return buckets_between(index_of(min_value_), index_of(max_value_));
}

std::vector<Histogram::Bucket> Histogram::buckets_between(int first, int last) const {
  std::vector<Bucket> out;
  if (counts_.empty()) return out;
  for (int i = first; i <= last; ++i) {
    const std::int64_t c = counts_[static_cast<std::size_t>(i)];
    if (c != 0) out.push_back({lowest_equivalent(i), highest_equivalent(i), c});
  }
  return out;
}

namespace {
// Sums are doubles, so merging in another order may differ in the last bits; counts must match exactly.
bool nearly_equal(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}
}  // namespace

bool Histogram::operator==(const Histogram& other) const {
  // An unallocated histogram is empty, and an empty allocated one holds only zeros.
  const bool same_counts = counts_.empty() || other.counts_.empty() ? empty() && other.empty() : counts_ == other.counts_;
  return total_count_ == other.total_count_ && clamped_count_ == other.clamped_count_ &&
         min() == other.min() && (empty() || max_value_ == other.max_value_) && same_counts &&
         nearly_equal(sum_, other.sum_) && nearly_equal(sum_squares_, other.sum_squares_);
}

// ---- serialization: "hdr1:" + base64(header varints, two raw doubles, run-length zig-zag counts) ----

namespace {

constexpr std::string_view kPrefix = "hdr1:";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

[[noreturn]] void corrupt(const std::string& reason) { throw Error("histogram encoding: " + reason); }

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_zigzag(std::string& out, std::int64_t v) {
  put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void put_double(std::string& out, double d) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      chunk = (chunk << 8) | (j < n ? static_cast<unsigned char>(in[i + j]) : 0U);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out.push_back(j <= n ? kBase64[(chunk >> (18 - 6 * j)) & 0x3F] : '=');
    }
  }
  return out;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) corrupt("base64 text length is not a multiple of 4 (truncated?)");
  std::size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t chunk = 0;
    for (std::size_t j = i; j < i + 4; ++j) {
      const int d = j >= in.size() - pad ? 0 : base64_digit(in[j]);
      if (d < 0) corrupt("invalid base64 character at offset " + std::to_string(kPrefix.size() + j));
      chunk = (chunk << 6) | static_cast<std::uint32_t>(d);
    }
    const std::size_t n = i + 4 == in.size() ? 3 - pad : 3;
    for (std::size_t j = 0; j < n; ++j) out.push_back(static_cast<char>((chunk >> (16 - 8 * j)) & 0xFF));
  }
  return out;
}

// Reads the decoded bytes front to back; every read checks for the end of input.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ == bytes_.size(); }

  std::uint64_t varint(const char* what) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) corrupt(std::string("truncated while reading ") + what);
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      if (shift == 63 && byte > 1) corrupt(std::string("varint overflow in ") + what);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    corrupt(std::string("varint too long in ") + what);
  }

  std::int64_t count_field(const char* what) {
    const std::uint64_t v = varint(what);
    if (v > static_cast<std::uint64_t>(INT64_MAX)) corrupt(std::string(what) + " out of range");
    return static_cast<std::int64_t>(v);
  }

  std::int64_t zigzag(const char* what) {
    const std::uint64_t v = varint(what);
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  }

  double raw_double(const char* what) {
    if (bytes_.size() - pos_ < 8) corrupt(std::string("truncated while reading ") + what);
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_++])) << (8 * i);
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d) || d < 0) corrupt(std::string(what) + " is not a finite non-negative number");
    return d;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string Histogram::serialize() const {
  std::string bytes;
  put_varint(bytes, kCountsLen);
  put_varint(bytes, static_cast<std::uint64_t>(total_count_));
  put_varint(bytes, static_cast<std::uint64_t>(clamped_count_));
  put_varint(bytes, static_cast<std::uint64_t>(min()));
  put_varint(bytes, static_cast<std::uint64_t>(empty() ? 0 : max_value_));
  put_double(bytes, sum_);
  put_double(bytes, sum_squares_);
  std::size_t end = counts_.size();
  while (end > 0 && counts_[end - 1] == 0) --end;
  for (std::size_t i = 0; i < end;) {
    if (counts_[i] != 0) {
      put_zigzag(bytes, counts_[i++]);
      continue;
    }
    std::size_t run = 0;
    while (i < end && counts_[i] == 0) ++run, ++i;
    put_zigzag(bytes, -static_cast<std::int64_t>(run));
  }
  return std::string(kPrefix) + base64_encode(bytes);
}

namespace {
// The header fields must agree with the counts they describe, or the file was damaged or hand-edited.
void check_consistency(const std::vector<Histogram::Bucket>& used, std::int64_t total, std::int64_t clamped,
                       std::int64_t min, std::int64_t max, double sum, double sum_squares) {
  if (clamped > total) corrupt("more clamped values than values");
  if (total == 0) {
    if (min != 0 || max != 0 || sum != 0 || sum_squares != 0) corrupt("empty histogram with a min, max or sum");
    return;
  }
  if (min > max || max > Histogram::kHighest) corrupt("min/max out of range");
  if (min < used.front().low || min > used.front().high) corrupt("min does not fall in the lowest bucket");
  if (max < used.back().low || max > used.back().high) corrupt("max does not fall in the highest bucket");
  if (clamped > 0 && max != Histogram::kHighest) corrupt("clamped values but max below the highest value");
}
}  // namespace

Histogram Histogram::deserialize(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    const auto colon = text.find(':');
    if (text.substr(0, 3) == "hdr" && colon != std::string_view::npos && colon < 12) {
      corrupt("unknown version \"" + std::string(text.substr(0, colon)) + "\" (this perfval reads hdr1)");
    }
    corrupt("expected text starting with \"hdr1:\"");
  }
  const std::string bytes = base64_decode(text.substr(kPrefix.size()));
  Reader in(bytes);
  Histogram h;
  if (in.varint("layout") != kCountsLen) corrupt("bucket layout differs from this perfval's");
  const std::int64_t total = in.count_field("total count");
  const std::int64_t clamped = in.count_field("clamped count");
  const std::int64_t min = in.count_field("min");
  const std::int64_t max = in.count_field("max");
  h.sum_ = in.raw_double("sum");
  h.sum_squares_ = in.raw_double("sum of squares");
  std::size_t index = 0;
  std::int64_t seen = 0;
  while (!in.done()) {
    const std::int64_t v = in.zigzag("counts");
    if (v == 0) corrupt("zero count entry");
    const std::uint64_t run = v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : 1;
    if (run > kCountsLen - index) corrupt("counts run past the last bucket");
    if (v > 0) {
      if (__builtin_add_overflow(seen, v, &seen)) corrupt("counts overflow");
      if (h.counts_.empty()) h.allocate();
      h.counts_[index] = v;
    }
    index += run;
  }
  if (seen != total) corrupt("bucket counts sum to " + std::to_string(seen) + ", header says " + std::to_string(total));
  check_consistency(h.buckets_between(0, static_cast<int>(kCountsLen) - 1), total, clamped, min, max, h.sum_, h.sum_squares_);
  h.total_count_ = total;
  h.clamped_count_ = clamped;
  h.min_value_ = total == 0 ? INT64_MAX : min;
  h.max_value_ = max;
  return h;
}

}  // namespace perfval::loadgen
