// Renders a growth-scenario simulation as JSON, Markdown or console text.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "perfval/capacity/simulate.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/size.hpp"
#include "perfval/common/format.hpp"

namespace perfval::capacity {

namespace {

std::string breaches_text(const SimulationPoint& p) {
  std::string out;
  for (const auto& b : p.breaches) out += (out.empty() ? "" : "; ") + b;
  return out.empty() ? "fits" : out;
}

}  // namespace

std::string to_json(const SimulationResult& r) {
  using nlohmann::json;
  json points = json::array();
  for (const auto& p : r.points) {
    json values;
    for (int k = 0; k < 5; ++k) values[to_string(static_cast<MetricKind>(k))] = p.values[k];
    points.push_back({{"day", p.day},
                      {"nodes", p.nodes},
                      {"tier", {{"name", p.tier.name}, {"p95_ms", p.tier.p95_ms}, {"min_rps", p.tier.min_rps},
                                {"max_memory_bytes", p.tier.max_memory_bytes}, {"max_error_pct", p.tier.max_error_pct}}},
                      {"values", values},
                      {"memory_bytes", p.memory_bytes},
                      {"recommended", {{"cpu_limit_m", p.cpu_limit_m}, {"memory_limit_bytes", p.memory_limit_bytes},
                                       {"replicas", p.replicas}}},
                      {"breaches", p.breaches}});
  }
  json base, growth;
  for (int k = 0; k < 5; ++k) {
    base[to_string(static_cast<MetricKind>(k))] = r.base[k];
    growth[to_string(static_cast<MetricKind>(k))] = r.monthly_growth_pct[k];
  }
  const json doc{{"schema", "perfval/capacity-simulation/v1"}, {"scenario", r.scenario}, {"multiplier", r.multiplier},
                 {"basis", r.basis}, {"base", base}, {"monthly_growth_pct", growth}, {"points", points}};
  return doc.dump(2) + "\n";
}

std::string to_markdown(const SimulationResult& r) {
  std::string out = "# Capacity simulation: " + r.scenario + " (growth x" + format_double("%g", r.multiplier) + ")\n\nBasis: " +
                    r.basis + ".\n\n| day | nodes | SLA tier | cpu % | memory | series | rps | storage % | cpu limit | memory limit | replicas | status |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : r.points) {
    out += "| " + format_double("%.0f", p.day) + " | " + format_double("%.0f", p.nodes) + " | " + p.tier.name + " (p95 < " +
           format_double("%g", p.tier.p95_ms / 1000) + " s, > " + format_double("%g", p.tier.min_rps) + " rps, < " +
           format_bytes(p.tier.max_memory_bytes) + ") | " + format_double("%.1f", p.values[0]) + " | " + format_bytes(p.memory_bytes) +
           " | " + format_double("%.0f", p.values[2]) + " | " + format_double("%.0f", p.values[3]) + " | " + format_double("%.1f", p.values[4]) + " | " +
           format_double("%.0fm", p.cpu_limit_m) + " | " + format_bytes(p.memory_limit_bytes) + " | " + std::to_string(p.replicas) +
           " | " + breaches_text(p) + " |\n";
  }
  return out;
}

std::string to_console(const SimulationResult& r) {
  std::string out = "scenario " + r.scenario + " (growth x" + format_double("%g", r.multiplier) + "), basis: " + r.basis + "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%6s %7s %-7s %7s %9s %8s %7s %8s %9s %9s %8s  %s\n", "day", "nodes", "tier", "cpu%",
                "memory", "series", "rps", "storage%", "cpu lim", "mem lim", "replicas", "status");
  out += line;
  for (const auto& p : r.points) {
    std::snprintf(line, sizeof line, "%6.0f %7.0f %-7s %7.1f %9s %8.0f %7.0f %8.1f %8.0fm %9s %8d  %s\n", p.day, p.nodes,
                  p.tier.name.c_str(), p.values[0], format_bytes(p.memory_bytes).c_str(), p.values[2], p.values[3],
                  p.values[4], p.cpu_limit_m, format_bytes(p.memory_limit_bytes).c_str(), p.replicas,
                  breaches_text(p).c_str());
    out += line;
  }
  return out;
}

std::string render(const SimulationResult& r, const std::string& format) {
  if (format == "json") return to_json(r);
  if (format == "markdown") return to_markdown(r);
  if (format == "console") return to_console(r);
  throw Error("--format: unknown format \"" + format + "\"" +
              did_you_mean_suffix(format, {"console", "json", "markdown"}) + "; expected console, json or markdown");
}

}  // namespace perfval::capacity
