// Parsing of the embedded target's fault options (--latency, --stall) and drawing latency samples.
#include "perfval/target/options.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/common/duration.hpp"

namespace perfval::target {

namespace {

// z-score of the 99th percentile of the standard normal distribution.
constexpr double kZ99 = 2.326;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<Nanos> duration(std::string_view s) { return perfval::parse_duration(trim(s)); }

// Splits "a<sep>b" into two durations; nullopt unless both parse.
std::optional<std::pair<Nanos, Nanos>> duration_pair(std::string_view s, char sep) {
  const auto at = s.find(sep);
  if (at == std::string_view::npos) return std::nullopt;
  const auto first = duration(s.substr(0, at));
  const auto second = duration(s.substr(at + 1));
  if (!first || !second) return std::nullopt;
  return std::make_pair(*first, *second);
}

std::optional<LatencySpec> parse_body(LatencySpec::Kind kind, std::string_view body) {
  LatencySpec spec;
  spec.kind = kind;
  using Kind = LatencySpec::Kind;
  if (kind == Kind::fixed || kind == Kind::exponential) {
    const auto d = duration(body);
    if (!d || d->count() < 0) return std::nullopt;
    if (kind == Kind::exponential && d->count() == 0) return std::nullopt;
    spec.a = *d;
    return spec;
  }
  const char sep = kind == Kind::uniform ? '-' : '/';
  const auto pair = duration_pair(body, sep);
  if (!pair) return std::nullopt;
  spec.a = pair->first;
  spec.b = pair->second;
  if (spec.a.count() < 0 || spec.b.count() < 0) return std::nullopt;
  if (kind == Kind::uniform && spec.a > spec.b) return std::nullopt;
  // A log-normal needs a positive median and a p99 above it to have a positive spread.
  if (kind == Kind::lognormal && (spec.a.count() <= 0 || spec.b <= spec.a)) return std::nullopt;
  return spec;
}

}  // namespace

std::optional<LatencySpec> parse_latency_spec(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  std::optional<LatencySpec> spec;
  if (t == "0" || t == "none") {
    spec = LatencySpec{};
  } else if (const auto colon = t.find(':'); colon == std::string_view::npos) {
    spec = parse_body(LatencySpec::Kind::fixed, t);
  } else {
    const std::string_view kind = t.substr(0, colon);
    const std::string_view body = t.substr(colon + 1);
    using Kind = LatencySpec::Kind;
    if (kind == "fixed") spec = parse_body(Kind::fixed, body);
    else if (kind == "uniform") spec = parse_body(Kind::uniform, body);
    else if (kind == "normal") spec = parse_body(Kind::normal, body);
    else if (kind == "exponential") spec = parse_body(Kind::exponential, body);
    else if (kind == "lognormal") spec = parse_body(Kind::lognormal, body);
  }
  if (spec) spec->text = std::string(t);
  return spec;
}

Nanos LatencySpec::sample(std::mt19937_64& rng) const {
  const auto ns = [](double v) { return Nanos{static_cast<std::int64_t>(std::llround(std::max(0.0, v)))}; };
  switch (kind) {
    case Kind::none:
      return Nanos{0};
    case Kind::fixed:
      return a;
    case Kind::uniform:
      return Nanos{std::uniform_int_distribution<std::int64_t>(a.count(), b.count())(rng)};
    case Kind::normal: {
      if (b.count() == 0) return a;
      std::normal_distribution<double> dist(static_cast<double>(a.count()), static_cast<double>(b.count()));
      return ns(dist(rng));
    }
    case Kind::exponential:
      return ns(std::exponential_distribution<double>(1.0 / static_cast<double>(a.count()))(rng));
    case Kind::lognormal: {
      const double median = static_cast<double>(a.count());
      const double sigma = std::log(static_cast<double>(b.count()) / median) / kZ99;
      return ns(std::lognormal_distribution<double>(std::log(median), sigma)(rng));
    }
  }
  return Nanos{0};
}

std::optional<StallSpec> parse_stall_spec(std::string_view text) {
  const std::string_view t = trim(text);
  if (t == "0" || t == "none") return StallSpec{Nanos{0}, Nanos{0}, std::string(t)};
  const auto pair = duration_pair(t, '/');
  if (!pair) return std::nullopt;
  const auto [length, period] = *pair;
  if (length.count() <= 0 || period.count() <= 0 || length >= period) return std::nullopt;
  return StallSpec{length, period, std::string(t)};
}

}  // namespace perfval::target
