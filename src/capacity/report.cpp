// Capacity report renderers: JSON for jobs (`jq .recommendations`), Markdown for PRs/wikis, console for people.
#include "perfval/capacity/report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

namespace {

using nlohmann::json;

json optional_days(const std::optional<double>& d) { return d ? json(*d) : json(nullptr); }

json intervals_json(const std::vector<Interval>& list) {
  json out = json::array();
  for (const auto& i : list) out.push_back({{"level_pct", i.level_pct}, {"lower", i.lower}, {"upper", i.upper}});
  return out;
}

// The chosen model, why, and the backtest table of every candidate.
json model_json(const MetricResult& r) {
  json table = json::array();
  for (const auto& c : r.backtest) {
    table.push_back({{"model", c.model}, {"mae", c.mae}, {"error_pct", c.score}, {"vs_naive", c.vs_naive}});
  }
  const bool bt = r.method == "backtest";
  return {{"name", r.model},
          {"method", r.method},
          {"reason", r.reason},
          {"window", r.window},
          {"interval_method", r.interval_method},
          {"r2", r.r2},
          {"backtest_error_pct", bt ? json(r.backtest_error_pct) : json(nullptr)},
          {"vs_naive", bt ? json(r.backtest_vs_naive) : json(nullptr)},
          {"backtest_horizon_days", r.backtest_horizon_days},
          {"backtest_origins", r.backtest_origins},
          {"backtest", table}};
}

json metric_json(const MetricResult& r) {
  json j{{"name", r.name}, {"metric", to_string(r.kind)}, {"unit", r.unit}, {"status", r.analysed() ? "ok" : "error"}};
  if (!r.analysed()) {
    j["error"] = r.error;
    return j;
  }
  j["warnings"] = r.warnings;
  j["model"] = model_json(r);
  j["bounds"] = {{"min", r.bound_min}, {"max", r.bound_max ? json(*r.bound_max) : json(nullptr)}};
  j["confidence"] = {{"grade", r.confidence}, {"reason", r.confidence_reason}};
  j["history"] = {{"from", format_timestamp(r.history_from)}, {"to", format_timestamp(r.history_to)},
                  {"days", (r.history_to - r.history_from) / 86400}, {"points", r.points},
                  {"fit_points", r.fit_points}, {"outliers", r.outliers}};
  json observed = json::array();
  for (const auto& b : r.observed) observed.push_back({b.t, b.low, b.high});
  j["history"]["series"] = observed;
  j["horizon_days"] = r.horizon_days;
  j["current"] = r.current;
  json path = json::array();
  for (const auto& p : r.path) path.push_back({{"t", p.t}, {"value", p.value}, {"intervals", intervals_json(p.intervals)}});
  j["projected"] = {{"value", r.projected}, {"intervals", intervals_json(r.intervals)}, {"peak_upper", r.peak_upper},
                    {"path", path}};
  j["growth"] = {{"pct", r.growth_pct}, {"threshold_pct", r.growth_threshold_pct}, {"exceeded", r.growth_exceeded}};
  j["capacity_threshold"] = {{"value", r.capacity_threshold}, {"days_until", optional_days(r.days_to_threshold)},
                             {"within_horizon", r.days_to_threshold.has_value()}};
  j["hard_limit"] = r.hard_limit ? json{{"value", *r.hard_limit}, {"days_until", optional_days(r.days_to_limit)},
                                        {"within_horizon", r.days_to_limit.has_value()}}
                                 : json(nullptr);
  j["alert"] = r.alert;
  return j;
}

std::string days_text(const std::optional<double>& d) {
  return d ? format_double("%.1f d", *d) : std::string("not within horizon");
}

std::string interval_text(const MetricResult& r) {
  std::string out;
  for (const auto& i : r.intervals) {
    out += (out.empty() ? "" : ", ") + format_double("%g %%: ", i.level_pct) + format_double("%.4g", i.lower) + "–" + format_double("%.4g", i.upper);
  }
  return out;
}

}  // namespace

std::string to_json(const CapacityReport& report) {
  json metrics = json::array(), recs = json::array();
  for (const auto& m : report.metrics) metrics.push_back(metric_json(m));
  for (const auto& r : report.recommendations) {
    recs.push_back({{"metric", r.metric}, {"resource", r.resource}, {"current", r.current},
                    {"recommended", r.recommended}, {"current_value", r.current_value},
                    {"recommended_value", r.recommended_value}, {"change", r.change},
                    {"sufficient", r.sufficient}, {"action", r.action}});
  }
  const json doc{{"schema", "perfval/capacity/v1"},
                 {"generated_at", format_timestamp(report.generated_at)},
                 {"config", report.config_file},
                 {"alert", report.alert},
                 {"analysed", report.analysed},
                 {"failed", report.failed},
                 {"throughput", {{"per_replica_rps", report.throughput.per_replica_rps}, {"source", report.throughput.source},
                                 {"measured_at", report.throughput.measured_at.empty() ? json(nullptr) : json(report.throughput.measured_at)}}},
                 {"metrics", metrics},
                 {"recommendations", recs}};
  return doc.dump(2) + "\n";
}

std::string to_markdown(const CapacityReport& report) {
  std::string out = "# Capacity plan\n\nGenerated " + format_timestamp(report.generated_at) + " from `" +
                    report.config_file + "`: " + std::to_string(report.analysed) + " analysed, " +
                    std::to_string(report.failed) + " failed" + (report.alert ? ", **ALERT**" : "") + ".\n\n";
  out += "| metric | model | current | projected (horizon) | interval | growth | capacity threshold in | hard limit in | confidence |\n";
  out += "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : report.metrics) {
    if (!r.analysed()) continue;
    out += "| " + r.name + " | " + r.model + " | " + format_double("%.4g", r.current) + " " + r.unit + " | " +
           format_double("%.4g", r.projected) + " (" + format_double("%.0f d", r.horizon_days) + ") | " + interval_text(r) + " | " +
           format_double("%+.1f %%", r.growth_pct) + (r.growth_exceeded ? " ⚠" : "") + " | " + days_text(r.days_to_threshold) +
           (r.alert ? " **ALERT**" : "") + " | " + days_text(r.days_to_limit) + " | " + r.confidence + " |\n";
  }
  out += "\n## Recommendations\n\n";
  for (const auto& r : report.recommendations) {
    out += "- **" + r.metric + "** " + r.resource + ": " + r.action + (r.sufficient ? "" : " ⚠") + "\n";
  }
  if (report.recommendations.empty()) out += "None.\n";
  bool any_error = false;
  for (const auto& r : report.metrics) {
    if (r.analysed()) continue;
    if (!any_error) out += "\n## Not analysed\n\n";
    any_error = true;
    out += "- " + r.error + "\n";
  }
  out += "\n## Models\n\n";
  for (const auto& r : report.metrics) {
    if (r.analysed()) out += "- **" + r.name + "**: " + r.model + ", R² " + format_double("%.3f", r.r2) + "; " + r.reason + ". Confidence " + r.confidence + ": " + r.confidence_reason + ".\n";
  }
  return out;
}

std::string to_console(const CapacityReport& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-22s %-26s %12s %12s %9s %16s %16s %-6s\n", "metric", "model", "current",
                "projected", "growth", "threshold in", "hard limit in", "conf");
  out += line;
  for (const auto& r : report.metrics) {
    if (!r.analysed()) continue;
    std::snprintf(line, sizeof line, "%-22s %-26s %12.4g %12.4g %8.1f%% %16s %16s %-6s%s\n", r.name.c_str(),
                  r.model.c_str(), r.current, r.projected, r.growth_pct, days_text(r.days_to_threshold).c_str(),
                  days_text(r.days_to_limit).c_str(), r.confidence.c_str(), r.alert ? "  ALERT" : "");
    out += line;
  }
  for (const auto& r : report.metrics) {
    if (!r.analysed()) out += "error: " + r.error + "\n";
  }
  if (!report.recommendations.empty()) out += "\nrecommendations:\n";
  for (const auto& r : report.recommendations) out += "  " + r.metric + " " + r.resource + ": " + r.action + "\n";
  out += "\n" + std::to_string(report.analysed) + " analysed, " + std::to_string(report.failed) + " failed" +
         (report.alert ? "; ALERT: a capacity threshold is reached within its horizon\n" : "\n");
  return out;
}

std::string render(const CapacityReport& report, const std::string& format) {
  if (format == "json") return to_json(report);
  if (format == "markdown") return to_markdown(report);
  if (format == "console") return to_console(report);
  throw Error("--format: unknown format \"" + format + "\"" +
              did_you_mean_suffix(format, {"console", "json", "markdown"}) + "; expected console, json or markdown");
}

}  // namespace perfval::capacity
