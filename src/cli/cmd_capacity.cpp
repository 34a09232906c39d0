// `perfval capacity analyze|simulate`: growth forecasts, time to limits, scaling recommendations, scenarios.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "perfval/capacity/report.hpp"
#include "perfval/capacity/simulate.hpp"
#include "perfval/report/html.hpp"
#include "perfval/report/prometheus.hpp"
#include "perfval/capacity/sources.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval::cli {
namespace {

using namespace perfval::capacity;

constexpr const char* kDefaultConfig = "baselines/capacity-planning.yaml";

double now_unix() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ArgParser analyze_parser() {
  ArgParser p("capacity analyze",
              "[--config FILE] [--prometheus URL | --data FILE] [--run-summary FILE | --measured SUMMARY.json]\n"
              "                                [--format console|json|markdown] [--out FILE] [--dry-run]\n"
              "Forecasts each configured metric and recommends limits and replicas. Exit codes: 0 analysed,\n"
              "99 a metric reaches its capacity threshold within its horizon, 2 bad input or nothing could be\n"
              "analysed. See docs/capacity.md.");
  p.option("config", "FILE", std::string("capacity config (default ") + kDefaultConfig + ")")
      .option("prometheus", "URL", "read each metric's query from this Prometheus (query_range)")
      .option("data", "FILE", "read metrics from a CSV or JSON file (timestamp + one column per metric)")
      .option("run-summary", "FILE", "perfval run summary.json measuring per-replica throughput (repeatable)")
      .option("measured", "SUMMARY.json", "capacity run whose capacity_found.rps is the per-replica throughput")
      .option("format", "FORMAT", "console (default), json, markdown or html")
      .option("out", "FILE", "write the report here (atomically) instead of stdout")
      .flag("dry-run", "read and check the config, say what would be analysed, and exit");
  report::add_push_options(p);
  return p;
}

ArgParser simulate_parser() {
  return ArgParser("capacity simulate",
                   "[--config FILE] [--scenario NAME] [--data FILE | --prometheus URL] [--run-summary FILE]\n"
                   "                                 [--format console|json|markdown] [--out FILE] [--dry-run]\n"
                   "Projects resources at the configured checkpoints (30/90/180/365 d) for a growth scenario,\n"
                   "with cluster growth mapped to SLA tiers. With --data or --prometheus, today's values and\n"
                   "growth rates are fitted; otherwise they come from simulation.baseline/monthly_growth.\n"
                   "See docs/capacity.md.")
      .option("config", "FILE", std::string("capacity config (default ") + kDefaultConfig + ")")
      .option("scenario", "NAME", "conservative, expected (default) or aggressive, or one defined in the config")
      .option("prometheus", "URL", "fit today's values and growth from this Prometheus")
      .option("data", "FILE", "fit today's values and growth from this CSV or JSON file")
      .option("run-summary", "FILE", "perfval run summary.json measuring per-replica throughput (repeatable)")
      .option("measured", "SUMMARY.json", "capacity run whose capacity_found.rps is the per-replica throughput")
      .option("format", "FORMAT", "console (default), json or markdown")
      .option("out", "FILE", "write the result here (atomically) instead of stdout")
      .flag("dry-run", "read and check the config and scenario name, and exit");
}

void emit(const ParsedArgs& a, const std::string& text) {
  if (auto out = a.get("out")) {
    write_file_atomic(*out, text);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
}

void check_format(const std::string& format) {
  if (format != "console" && format != "json" && format != "markdown") {
    throw Error("--format: unknown format \"" + format + "\"" +
                did_you_mean_suffix(format, {"console", "json", "markdown"}) + "; expected console, json or markdown");
  }
}

// --measured (or scaling.replicas.measured) is a capacity run's answer; --run-summary the mean rate of plain runs.
Throughput throughput_for(const CapacityConfig& config, const ParsedArgs& a) {
  const std::string measured = a.has("measured") ? a.get_or("measured", "") : measured_path(config);
  if (measured.empty()) return measured_throughput(config, a.all("run-summary"));
  if (!a.all("run-summary").empty()) throw Error("--measured and --run-summary both give the per-replica throughput; give one");
  return measured_capacity(measured);
}

CapacityReport run_analysis(const CapacityConfig& config, const ParsedArgs& a) {
  SourceOptions o;
  o.data_file = a.get_or("data", "");
  o.prometheus_url = a.get_or("prometheus", "");
  o.now_unix = now_unix();
  const Throughput tp = throughput_for(config, a);
  return analyze(config, collect_inputs(config, o), tp, o.now_unix);
}

// <prefix>_capacity_* gauges (docs/metrics.md): forecasts per metric and the time of the analysis.
std::vector<report::PushedMetric> capacity_metrics(const CapacityReport& r, const std::string& prefix) {
  std::vector<report::PushedMetric> out;
  for (const auto& m : r.metrics) {
    if (!m.analysed()) continue;
    const std::map<std::string, std::string> l = {{"metric", m.name}};
    out.push_back({prefix + "_capacity_current_value", "Latest level of the metric, in its configured unit", l, m.current});
    out.push_back({prefix + "_capacity_projected_value", "Forecast at the horizon, in the metric's unit", l, m.projected});
    out.push_back({prefix + "_capacity_growth_percent", "Trend growth over the horizon, percent", l, m.growth_pct});
    out.push_back({prefix + "_capacity_horizon_days", "Forecast horizon, days", l, m.horizon_days});
    // Not within the horizon is pushed as the horizon itself, so "less than N days" alerts stay simple.
    out.push_back({prefix + "_capacity_days_to_threshold", "Days until the capacity threshold is reached (horizon if not within it)",
                   l, m.days_to_threshold.value_or(m.horizon_days)});
    out.push_back({prefix + "_capacity_alert", "1 if the capacity threshold is reached within the horizon", l, m.alert ? 1.0 : 0.0});
  }
  out.push_back({prefix + "_last_capacity_analysis_timestamp", "Unix time of the last capacity analysis", {},
                 std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()});
  return out;
}

int analyze_cmd(const std::vector<std::string>& args) {
  const ArgParser parser = analyze_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (!a.positionals.empty()) throw Error("capacity analyze: unexpected argument \"" + a.positionals.front() + "\"");
  const std::string format = a.get_or("format", "console");
  if (format != "html") check_format(format);
  const CapacityConfig config = load_config(a.get_or("config", kDefaultConfig));
  const auto push = report::push_options_from(a);
  if (a.has("dry-run")) {
    const Throughput tp = throughput_for(config, a);  // a --measured summary without an answer is refused here too
    std::printf("capacity config %s is valid: %zu metrics; would read them from %s; %.1f rps per replica from %s\n",
                a.get_or("config", kDefaultConfig).c_str(), config.metrics.size(),
                a.has("data") ? "the data file" : a.has("prometheus") ? "Prometheus" : "the configured sources",
                tp.per_replica_rps, tp.source.c_str());
    return exit_code::ok;
  }
  const CapacityReport report = run_analysis(config, a);
  // HTML is drawn from the JSON document, so it shows exactly what `--format json` says.
  emit(a, format == "html" ? report::render_capacity_html({"perfval capacity analyze", nlohmann::json::parse(render(report, "json"))})
                           : render(report, format));
  report::push_and_report(push, capacity_metrics(report, push ? push->prefix : "slurm"));
  for (const auto& m : report.metrics) {
    for (const auto& w : m.warnings) std::fprintf(stderr, "perfval: capacity: warning: %s\n", w.c_str());
    if (!m.analysed()) std::fprintf(stderr, "perfval: capacity: %s\n", m.error.c_str());
  }
  if (report.analysed == 0) std::fprintf(stderr, "perfval: error: no metric could be analysed\n");
  return report.exit_code();
}

int simulate_cmd(const std::vector<std::string>& args) {
  const ArgParser parser = simulate_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (!a.positionals.empty()) throw Error("capacity simulate: unexpected argument \"" + a.positionals.front() + "\"");
  const std::string format = a.get_or("format", "console");
  check_format(format);
  const CapacityConfig config = load_config(a.get_or("config", kDefaultConfig));
  const Throughput tp = throughput_for(config, a);
  if (a.has("dry-run")) {
    simulate(config, a.get_or("scenario", "expected"), nullptr, tp);  // validates the scenario name
    std::printf("capacity config %s is valid; scenario %s can be simulated\n", a.get_or("config", kDefaultConfig).c_str(),
                a.get_or("scenario", "expected").c_str());
    return exit_code::ok;
  }
  std::optional<CapacityReport> fitted;
  if (a.has("data") || a.has("prometheus")) fitted = run_analysis(config, a);
  const SimulationResult result = simulate(config, a.get_or("scenario", "expected"), fitted ? &*fitted : nullptr, tp);
  emit(a, render(result, format));
  return exit_code::ok;
}

int capacity(const std::vector<std::string>& args) {
  const std::vector<std::string> subs{"analyze", "simulate"};
  if (args.empty() || args.front() == "-h" || args.front() == "--help") {
    std::printf("usage: perfval capacity analyze --config FILE [--prometheus URL] [--data FILE] [--run-summary FILE | --measured FILE]\n"
                "                                [--format console|json|markdown|html] [--out FILE]\n"
                "       perfval capacity simulate [--config FILE] --scenario conservative|expected|aggressive\n"
                "                                 [--data FILE | --prometheus URL] [--format ...] [--out FILE]\n"
                "See docs/capacity.md.\n");
    return args.empty() ? exit_code::usage : exit_code::ok;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args.front() == "analyze") return analyze_cmd(rest);
  if (args.front() == "simulate") return simulate_cmd(rest);
  throw Error("capacity: unknown subcommand \"" + args.front() + "\"" + did_you_mean_suffix(args.front(), subs) +
              "; expected analyze or simulate");
}

const CommandRegistration reg{"capacity", "forecast growth, time to limits and scaling (analyze, simulate)", &capacity};

}  // namespace
}  // namespace perfval::cli
