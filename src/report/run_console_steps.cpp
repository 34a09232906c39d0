// The step table of a ramping run and its answer lines: the capacity within the SLA and the knee.
#include <cstdio>

#include "perfval/common/format.hpp"
#include "perfval/report/run_console.hpp"

namespace perfval::report {

namespace {
using loadgen::level_text;
using loadgen::StepResult;

std::string ms_text(double ms) { return format_latency_us(ms * 1000.0); }

std::string step_row(std::size_t i, const StepResult& r) {
  char line[256];
  std::snprintf(line, sizeof line, "    %4zu %5d %8.0f %8s %9.1f %9s %9s %9s %7.2f%% %7llu  %s\n", i + 1, r.stage, r.vus,
                r.rate ? format_double("%.4g", *r.rate).c_str() : "-", r.rps, ms_text(r.p50_ms).c_str(),
                ms_text(r.p95_ms).c_str(), ms_text(r.p99_ms).c_str(), r.error_rate * 100,
                static_cast<unsigned long long>(r.dropped), r.sla_ok ? "✓" : r.complete ? "✗" : "✗ cut short");
  std::string out = line;
  for (const auto& f : r.failed_thresholds) out += "           ✗ " + f.metric + "  " + f.expression + "  (" + f.text + ")\n";
  return out;
}
}  // namespace

std::string capacity_line(const loadgen::RunSummary& s) {
  if (!s.capacity_found) return "";
  const loadgen::CapacityFound& c = *s.capacity_found;
  const auto step = [&s](int n) -> const StepResult& { return s.steps[static_cast<std::size_t>(n - 1)]; };
  std::string out;
  if (c.status == "found" || c.status == "not reached") {
    out = "capacity within SLA: " + level_text(step(*c.step)) + ", " + format_double("%.0f req/s", c.rps);
    out += c.broke_step ? "; broke at " + level_text(step(*c.broke_step)) + ": " + c.broke_reason
                        : "; not reached: the SLA held at every step";
  } else {
    out = "capacity within SLA: not determined: " + c.reason;
  }
  if (c.basis == "fixed windows") out += " (steps are fixed windows of a continuous ramp: no stage holds a level)";
  return out + "\n";
}

std::string knee_line(const loadgen::RunSummary& s) {
  if (!s.knee) return "";
  const loadgen::Knee& k = *s.knee;
  if (k.status != "found") return "knee (throughput stops growing): not reached\n";
  const StepResult& r = s.steps[static_cast<std::size_t>(*k.step - 1)];
  std::string out = "knee (throughput stops growing): " + level_text(r) + ", " + format_double("%.0f req/s", k.rps) +
                    ": " + k.reason;
  const auto& c = *s.capacity_found;
  if (c.step && *c.step != *k.step) {
    const int gap = *c.step - *k.step;
    out += gap > 0 ? format_double("; the SLA still held %.0f step(s) past it, at higher latency", gap)
                   : format_double("; the SLA broke %.0f step(s) before throughput saturated", -gap);
  }
  return out + "\n";
}

std::string render_steps(const loadgen::RunSummary& s) {
  if (!s.capacity_found) return "";
  std::string out = "\n  steps";
  out += s.capacity_found->basis == "fixed windows" ? " (fixed windows of a continuous ramp):\n"
                                                    : " (plateaus, warm-up left out, thresholds judged on each alone):\n";
  char head[256];
  std::snprintf(head, sizeof head, "    %4s %5s %8s %8s %9s %9s %9s %9s %8s %7s  %s\n", "step", "stage", "VUs", "rate",
                "req/s", "p50", "p95", "p99", "errors", "dropped", "SLA");
  out += head;
  for (std::size_t i = 0; i < s.steps.size(); ++i) out += step_row(i, s.steps[i]);
  out += "  " + capacity_line(s);
  out += "  " + knee_line(s);
  return out;
}

}  // namespace perfval::report
