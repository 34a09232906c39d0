// Scaling recommendations: CPU/memory limits rounded to the increment with headroom, replicas for the load.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "perfval/capacity/analysis.hpp"
#include "perfval/common/size.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

namespace {

std::string millicores(double m) { return format_double("%.0fm", m); }

// The planned peak in absolute units: millicores (cpu) or bytes (memory), from a percentage of the current
// limit or an absolute unit. Returns false when the unit gives no way to convert.
bool absolute_peak(const MetricResult& r, const ResourceScaling& s, bool cpu, double& peak, double& threshold) {
  const std::string& u = r.unit;
  double factor = 0;
  if (u == "percent" || u == "%") {
    factor = s.limit / 100;
  } else if (cpu && (u == "cores" || u == "cpu")) {
    factor = 1000;
  } else if (cpu && u == "millicores") {
    factor = 1;
  } else if (!cpu && (u == "bytes" || u == "B")) {
    factor = 1;
  } else {
    return false;
  }
  peak = r.peak_upper * factor;
  threshold = r.capacity_threshold * factor;
  return true;
}

// A new limit so that the planned peak stays at the capacity threshold's share of it.
std::optional<Recommendation> resource_limit(const MetricResult& r, const ResourceScaling& s, bool cpu) {
  double peak = 0, threshold = 0;
  if (!absolute_peak(r, s, cpu, peak, threshold)) return std::nullopt;
  auto show = [&](double v) { return cpu ? millicores(v) : format_bytes(v); };
  Recommendation rec;
  rec.metric = r.name;
  rec.resource = cpu ? "cpu_limit" : "memory_limit";
  rec.current_value = s.limit;
  rec.current = show(s.limit);
  const double share = threshold / s.limit;  // e.g. 0.8: the utilization we plan to stay under
  const double needed = peak / share;
  const double rounded = std::ceil(needed / s.increment - 1e-9) * s.increment;
  const std::string peak_text = "projected peak " + show(peak) + " (upper " + format_double("%g", r.intervals.empty() ? 0 : r.intervals.front().level_pct) +
                                " % bound within " + format_double("%.0f", r.horizon_days) + " d)";
  if (rounded <= s.limit) {
    rec.recommended_value = s.limit;
    rec.recommended = rec.current;
    rec.action = "keep " + rec.current + ": " + peak_text + " stays under " + format_double("%.0f", share * 100) + " % of it";
    return rec;
  }
  rec.change = true;
  rec.recommended_value = std::min(rounded, s.max);
  rec.recommended = show(rec.recommended_value);
  if (rounded > s.max) {
    rec.sufficient = false;
    rec.action = "raise to the maximum " + show(s.max) + ", which is not enough: " + peak_text + " needs " +
                 show(rounded) + " for " + format_double("%.0f", share * 100) + " % headroom; add replicas or shard";
  } else {
    rec.action = "raise from " + rec.current + " to " + rec.recommended + ": " + peak_text + " needs " +
                 show(needed) + " to stay under " + format_double("%.0f", share * 100) + " %";
  }
  return rec;
}

Recommendation replicas(const CapacityConfig& c, const MetricResult& r, const Throughput& tp) {
  const ReplicaScaling& s = c.scaling.replicas;
  const double per_replica = tp.per_replica_rps * s.target_utilization_pct / 100;
  const int needed = static_cast<int>(std::ceil(r.peak_upper / per_replica - 1e-9));
  const int wanted = std::max(needed, s.min);
  Recommendation rec;
  rec.metric = r.name;
  rec.resource = "replicas";
  rec.current_value = s.min;
  rec.current = std::to_string(s.min) + "-" + std::to_string(s.max);
  rec.recommended_value = std::min(wanted, s.recommended_max);
  rec.recommended = std::to_string(static_cast<int>(rec.recommended_value));
  const std::string basis = "projected peak " + format_double("%.0f", r.peak_upper) + " rps / (" + format_double("%.1f", tp.per_replica_rps) +
                            " rps per replica from " + tp.source + " at " + format_double("%.0f", s.target_utilization_pct) +
                            " %)";
  rec.change = wanted > s.min;
  if (wanted <= s.max) {
    rec.action = "run " + rec.recommended + " replicas (" + basis + " = " + std::to_string(needed) + ")";
  } else if (wanted <= s.recommended_max) {
    rec.action = "raise max replicas from " + std::to_string(s.max) + " to " + rec.recommended + " (" + basis +
                 " = " + std::to_string(needed) + ")";
  } else {
    rec.sufficient = false;
    rec.action = "needs " + std::to_string(needed) + " replicas, beyond the recommended maximum of " +
                 std::to_string(s.recommended_max) + " (" + basis + "): shard the load or raise per-replica throughput";
  }
  return rec;
}

// Storage and cardinality: there is no knob to turn automatically; say when and by how much.
std::optional<Recommendation> growth_warning(const MetricResult& r) {
  if (!r.alert && !r.days_to_limit) return std::nullopt;
  Recommendation rec;
  rec.metric = r.name;
  rec.resource = r.kind == MetricKind::storage ? "storage" : "cardinality";
  rec.current_value = r.current;
  rec.current = format_double("%.4g", r.current) + " " + r.unit;
  rec.change = true;
  const double factor = r.peak_upper / r.capacity_threshold;
  rec.recommended_value = factor;
  const std::string when = r.days_to_threshold ? format_double("%.1f", *r.days_to_threshold) + " d" : "the horizon";
  if (r.kind == MetricKind::storage) {
    rec.recommended = "x" + format_double("%.2f", factor) + " volume";
    rec.action = "grow the volume to " + format_double("%.2f", factor) + "x its size before " + when + " (capacity threshold " +
                 format_double("%g", r.capacity_threshold) + " " + r.unit + " reached in " + when + "), or shorten retention";
  } else {
    rec.recommended = "reduce series or shard";
    rec.action = "series reach " + format_double("%g", r.capacity_threshold) + " in " + when +
                 ": drop high-cardinality labels or shard before then (projected peak " + format_double("%.0f", r.peak_upper) + ")";
  }
  return rec;
}

}  // namespace

std::vector<Recommendation> recommend(const CapacityConfig& config, const MetricResult& r, const Throughput& tp) {
  std::vector<Recommendation> out;
  if (!r.analysed()) return out;
  std::optional<Recommendation> rec;
  switch (r.kind) {
    case MetricKind::cpu:
      rec = resource_limit(r, config.scaling.cpu, true);
      break;
    case MetricKind::memory:
      rec = resource_limit(r, config.scaling.memory, false);
      break;
    case MetricKind::requests:
      rec = replicas(config, r, tp);
      break;
    case MetricKind::storage:
    case MetricKind::cardinality:
      rec = growth_warning(r);
      break;
  }
  if (rec) out.push_back(std::move(*rec));
  return out;
}

}  // namespace perfval::capacity
