// The end-of-run console summary and progress line for `perfval run`.
#include "perfval/report/run_console.hpp"

#include <cstdio>
#include <algorithm>

#include "perfval/common/duration.hpp"
#include "perfval/common/size.hpp"
#include "perfval/loadgen/schedule.hpp"
#include "perfval/common/format.hpp"

namespace perfval::report {

namespace {
using loadgen::Histogram;
using loadgen::RequestStats;

std::string latency(double us) { return format_latency_us(us); }

std::string dotted(const std::string& label) {
  std::string out = "  " + label;
  if (out.size() < 34) out += std::string(34 - out.size(), '.');
  return out + ": ";
}

std::string trend_line(const Histogram& h) {
  if (h.empty()) return "no data";
  auto p = [&](double q) { return latency(static_cast<double>(h.value_at_percentile(q))); };
  return "avg=" + latency(h.mean()) + " min=" + latency(static_cast<double>(h.min())) + " med=" + p(50) +
         " max=" + latency(static_cast<double>(h.max())) + " p(90)=" + p(90) + " p(95)=" + p(95) + " p(99)=" + p(99) +
         " p(99.9)=" + p(99.9);
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? "n/a" : format_double("%.2f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string observed_text(const loadgen::ThresholdOutcome& t) {
  if (!t.observed) return "no data";
  const double v = *t.observed;
  if (t.metric.rfind("http_req_duration", 0) == 0 || t.metric == "target_gc_pause") return latency(v * 1000.0);
  if (t.metric == "target_memory_bytes") return format_bytes(v);
  return format_double("%g", v);
}

// The target's resources: one line per figure the readings had, or why there is none.
// k6's check list: the `checks` rate, then each check with ✓ (never failed) or ✗ and its pass share.
std::string check_lines(const loadgen::RunSummary& s) {
  const auto all = loadgen::select_checks(s.totals, s.catalog, loadgen::MetricSelector{});
  if (!all || all->passes + all->fails == 0) return "";
  std::string out = dotted("checks") + percent(all->passes, all->passes + all->fails) + "  (" +
                    std::to_string(all->passes) + " of " + std::to_string(all->passes + all->fails) + ")\n";
  for (std::size_t i = 0; i < s.catalog.entries.size() && i < s.totals.by_request.size(); ++i) {
    const auto& e = s.catalog.checks_of(i);
    const auto& counts = s.totals.by_request[i].checks;
    for (std::size_t j = 0; j < e.names.size(); ++j) {
      const loadgen::CheckCounts n = j < counts.size() ? counts[j] : loadgen::CheckCounts{};
      const std::string& text = j < e.descriptions.size() && !e.descriptions[j].empty() ? e.descriptions[j] : e.names[j];
      out += std::string("      ") + (n.fails == 0 ? "\u2713 " : "\u2717 ") + s.catalog.entries[i].name + "." +
             e.names[j] + ": " + text +
             "  " + percent(n.passes, n.passes + n.fails) + "  (\u2713 " + std::to_string(n.passes) + " / \u2717 " +
             std::to_string(n.fails) + ")\n";
    }
  }
  if (!s.totals.check_failure_example.empty()) out += "      first failure: " + s.totals.check_failure_example + "\n";
  return out;
}

std::string resource_lines(const loadgen::ResourceSummary& r) {
  if (!r.sampled()) return "";
  std::string out;
  if (!r.memory.empty()) {
    out += dotted("target_memory_bytes") + "max=" + format_bytes(r.memory.max) + " avg=" + format_bytes(r.memory.avg()) +
           " last=" + format_bytes(r.memory.last) + "\n";
  } else {
    out += dotted("target_memory_bytes") + "no data: " + r.no_data_reason() + "\n";
  }
  if (r.cpu_cores_avg) {
    out += dotted("target_cpu_cores") + format_double("avg=%.3f", *r.cpu_cores_avg) + format_double(" max=%.3f", r.cpu.max) + "\n";
  }
  if (!r.gc_pause.empty()) {
    out += dotted("target_gc_pause") + "max=" + latency(r.gc_pause.max * 1000);
    if (r.gc_pause_avg_ms) out += " avg=" + latency(*r.gc_pause_avg_ms * 1000);
    if (r.gc_cycles) out += format_double(" (%.0f GC cycles in the run)", *r.gc_cycles);
    out += "\n";
  }
  out += "      target: " + r.source + ", " + std::to_string(r.samples) + " readings";
  if (r.errors > 0) out += ", " + std::to_string(r.errors) + " failed (" + r.error_examples.front() + ")";
  out += "\n";
  for (const auto& n : r.notes) out += "      note: " + n + "\n";
  return out;
}

std::string executor_text(const loadgen::Scenario& s) {
  const auto& e = s.executor;
  std::string out = loadgen::to_string(e.kind);
  switch (e.kind) {
    case loadgen::ExecutorKind::constant_vus:
      return out + ", " + std::to_string(e.vus) + " VUs for " + format_duration(e.duration);
    case loadgen::ExecutorKind::ramping_vus:
      return out + ", up to " + std::to_string(loadgen::max_vus(e)) + " VUs over " +
             format_duration(loadgen::planned_duration(s));
    case loadgen::ExecutorKind::constant_arrival_rate:
      return out + ", " + format_double("%g", e.rate) + " iterations per " + format_duration(e.time_unit) + " for " +
             format_duration(e.duration) + " (VUs " + std::to_string(e.pre_allocated_vus) + ".." +
             std::to_string(e.max_vus) + ")";
    case loadgen::ExecutorKind::ramping_arrival_rate:
      return out + " over " + format_duration(loadgen::planned_duration(s)) + " (VUs " +
             std::to_string(e.pre_allocated_vus) + ".." + std::to_string(e.max_vus) + ")";
    default:
      return out + ", " + std::to_string(e.vus) + " VUs, " + std::to_string(e.iterations) + " iterations";
  }
}
}  // namespace

std::string render_run_summary(const loadgen::RunSummary& s) {
  const RequestStats total = s.totals.total();
  const double el = s.duration > 0 ? s.duration : 1e-9;
  std::string out = "\n  scenario: " + s.name + (s.file.empty() ? "" : " (" + s.file + ")") + "\n";
  for (const auto& sc : s.scenarios) {
    out += "    " + sc.name + ": " + executor_text(sc) + " -> " + loadgen::echo_base_url(sc);
    if (sc.embedded) out += " (embedded, " + std::to_string(sc.embedded->nodes) + " nodes)";
    out += "\n";
  }
  out += "  duration: " + format_double("%.1fs", s.duration) + ", " + std::to_string(s.threads) + " worker threads";
  if (s.sched != "normal") out += " (" + s.sched + " scheduling)";
  if (s.segment != "0/1") out += ", segment " + s.segment;
  if (!s.sched_note.empty()) out += "\n  note: " + s.sched_note;
  out += "\n\n";
  out += dotted("http_reqs") + std::to_string(total.requests) + "  " + format_double("%.1f/s", static_cast<double>(total.requests) / el) + "\n";
  out += dotted("http_req_duration") + trend_line(total.duration) + "\n";
  if (s.open_model) out += dotted("http_req_duration_uncorrected") + trend_line(total.duration_uncorrected) + "\n";
  if (total.connecting.count() > 0) out += dotted("http_req_connecting") + trend_line(total.connecting) + "\n";
  if (total.tls_handshaking.count() > 0) {
    out += dotted("http_req_tls_handshaking") + trend_line(total.tls_handshaking) + "  (" +
           std::to_string(total.tls_resumed) + " of " + std::to_string(total.tls_handshaking.count()) + " resumed)\n";
  }
  if (total.protocol_warnings > 0) {
    out += dotted("protocol_warnings") + std::to_string(total.protocol_warnings) + "  (" +
           s.totals.protocol_warning_example + ")\n";
  }
  out += dotted("http_req_failed") + percent(total.failed, total.requests) + "  (" + std::to_string(total.failed) +
         " of " + std::to_string(total.requests) + ")\n";
  out += dotted("availability") + percent(total.requests - total.unavailable, total.requests) + "\n";
  out += dotted("iterations") + std::to_string(s.totals.iterations) + "  " +
         format_double("%.1f/s", static_cast<double>(s.totals.iterations) / el) + "\n";
  if (s.open_model || s.totals.dropped_iterations > 0) {
    out += dotted("dropped_iterations") + std::to_string(s.totals.dropped_iterations) + "\n";
  }
  if (s.totals.data_rows > 0 || s.totals.data_ran_out) {
    out += dotted("data_rows") + std::to_string(s.totals.data_rows) +
           (s.totals.data_ran_out ? "  (the unique rows ran out: the scenario ended early)" : "") + "\n";
  }
  if (s.totals.interrupted_iterations > 0) {
    out += dotted("interrupted_iterations") + std::to_string(s.totals.interrupted_iterations) + "\n";
  }
  out += dotted("vus_max") + std::to_string(s.vus_max) + "\n";
  out += dotted("data_received") + format_bytes(static_cast<double>(total.bytes_received)) + "  " +
         format_bytes(static_cast<double>(total.bytes_received) / el) + "/s\n";
  out += dotted("data_sent") + format_bytes(static_cast<double>(total.bytes_sent)) + "  " +
         format_bytes(static_cast<double>(total.bytes_sent) / el) + "/s\n";
  auto codes = total.status.counts;
  std::sort(codes.begin(), codes.end());
  std::string codes_text;
  for (const auto& [code, n] : codes) codes_text += (codes_text.empty() ? "" : " ") + std::to_string(code) + "=" + std::to_string(n);
  out += dotted("status codes") + (codes_text.empty() ? "none" : codes_text) + "\n";
  if (total.errors.total() > 0) {
    std::string e;
    for (std::size_t i = 0; i < loadgen::ErrorCounts::kKinds.size(); ++i) {
      if (total.errors.by_index(i) > 0) {
        e += (e.empty() ? "" : " ") + std::string(loadgen::ErrorCounts::kKinds[i]) + "=" + std::to_string(total.errors.by_index(i));
      }
    }
    out += dotted("errors") + e + "\n";
    for (const auto& ex : s.error_examples) out += "      cause: " + ex + "\n";
  }
  out += check_lines(s);
  out += resource_lines(s.resources);
  if (s.catalog.entries.size() > 1) {
    out += "\n  per request:\n";
    char line[256];
    std::snprintf(line, sizeof line, "    %-22s %10s %10s %10s %10s %9s\n", "name", "reqs", "p50", "p95", "p99", "failed");
    out += line;
    for (std::size_t i = 0; i < s.catalog.entries.size(); ++i) {
      const auto& r = s.totals.by_request[i];
      auto p = [&](double q) { return r.duration.empty() ? std::string("-") : latency(static_cast<double>(r.duration.value_at_percentile(q))); };
      std::string name = s.scenarios.size() > 1 ? s.catalog.entries[i].scenario + "/" + s.catalog.entries[i].name : s.catalog.entries[i].name;
      std::snprintf(line, sizeof line, "    %-22s %10llu %10s %10s %10s %9s\n", name.c_str(),
                    static_cast<unsigned long long>(r.requests), p(50).c_str(), p(95).c_str(), p(99).c_str(),
                    percent(r.failed, r.requests).c_str());
      out += line;
    }
  }
  if (!s.thresholds.empty()) {
    out += "\n  thresholds:\n";
    for (const auto& t : s.thresholds) {
      out += std::string("    ") + (t.ok ? "✓ " : "✗ ") + t.metric + "  " + t.expression + "  (observed " + observed_text(t) + ")\n";
    }
  }
  out += render_steps(s);
  if (s.aborted) out += "\n  run aborted: " + s.abort_reason + "\n";
  if (s.segment != "0/1" && !s.aborted) {
    // No verdict for one segment of a distributed run: its thresholds are judged after `perfval merge`.
    return out + "\n  segment " + s.segment + " done: thresholds above are this segment's share only; "
                 "`perfval merge` judges the whole run\n";
  }
  out += s.passed() ? "\n✅ LOAD TEST PASSED\n" : "\n❌ LOAD TEST FAILED\n";
  return out;
}

std::string render_progress(const loadgen::LiveView& v) {
  const RequestStats total = v.totals ? v.totals->total() : RequestStats{};
  char buf[256];
  const double rps = v.last ? v.last->rps() : 0;
  std::snprintf(buf, sizeof buf, "running %5.0fs/%.0fs  vus=%-5lld  rps=%-9.1f p95=%-9s errors=%s  reqs=%llu", v.elapsed,
                v.planned, static_cast<long long>(v.gauges.vus), rps,
                v.last && v.last->requests > 0 ? latency(v.last->p95 * 1000).c_str() : "-",
                percent(total.failed, total.requests).c_str(), static_cast<unsigned long long>(total.requests));
  std::string line = buf;
  if (v.resources != nullptr && !v.resources->memory.empty()) {
    line += "  target mem=" + format_bytes(v.resources->memory.last);
    if (!v.resources->cpu.empty()) line += format_double(" cpu=%.2f", v.resources->cpu.last);
  }
  return line;
}

}  // namespace perfval::report
