// The run report's charts: per-second series (throughput, latency, errors, VUs, checks, the target's
// resources), the latency percentile spectrum, and status codes and errors as bars.
#include <cmath>
#include <limits>

#include "html_run.hpp"
#include "perfval/common/duration.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/common/size.hpp"
#include "perfval/loadgen/histogram.hpp"

namespace perfval::report::html {

namespace {

using nlohmann::json;
constexpr std::size_t kBuckets = 450;  // per series: at most ~900 points drawn, whatever the run length
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// One column of the per-second series; NaN where absent or null. per_second divides by the interval length.
std::vector<double> column(const json& series, const char* key, bool per_second = false) {
  std::vector<double> out;
  out.reserve(series.size());
  for (const auto& p : series) {
    const auto it = p.find(key);
    double v = (it != p.end() && it->is_number()) ? it->get<double>() : kNaN;
    const double len = p.value("length", 1.0);
    if (per_second && len > 0) v /= len;
    out.push_back(v);
  }
  return out;
}

bool has_column(const json& series, const char* key) {
  for (const auto& p : series) {
    const auto it = p.find(key);
    if (it != p.end() && it->is_number()) return true;
  }
  return false;
}

// Latency of a second in which no request finished is a gap, not 0 ms.
std::vector<double> latency_column(const json& series, const char* key) {
  std::vector<double> v = column(series, key), n = column(series, "requests");
  for (std::size_t i = 0; i < v.size(); ++i) if (!(n[i] > 0)) v[i] = kNaN;
  return v;
}

Line series_line(const RunView& run, const json& series, std::vector<double> y, const std::string& name, int color,
                 bool dashed = false) {
  std::vector<double> x = column(series, "t");
  downsample(x, y, kBuckets);
  return {run.label.empty() ? name : run.label + " " + name, std::move(x), std::move(y), color, dashed, false};
}

double longest(const std::vector<RunView>& runs) {
  double d = 1;
  for (const auto& r : runs) d = std::max(d, r.doc.number_or("duration_s", 0));
  return d;
}

LineChart time_chart(const std::vector<RunView>& runs, std::string title, std::string note, std::string y_label, Formatter f,
                     int width = kHalfWidth) {
  LineChart c;
  c.width = width;
  c.title = std::move(title);
  c.note = std::move(note);
  c.x = {"time since start (m:ss)", format_elapsed, Scale::linear, 0.0, longest(runs), true, time_ticks(longest(runs))};
  c.y.label = std::move(y_label);
  c.y.format = std::move(f);
  return c;
}

int pick(const std::vector<RunView>& runs, const RunView& r, int single) { return runs.size() > 1 ? r.color : single; }

// The arrival rate a constant-arrival-rate scenario plans, in iterations (= requests) per second.
double planned_rate(const RunView& run) {
  double total = 0;
  for (const auto& s : run.doc.child("config").array("scenarios")) {
    const auto ex = s.value("executor", json::object());
    if (ex.value("executor", "") != "constant-arrival-rate" || !ex.contains("rate")) continue;
    const auto unit = parse_duration(ex.value("timeUnit", "1s"));
    if (unit && unit->count() > 0) total += ex["rate"].get<double>() / to_seconds(*unit);
  }
  return total;
}

std::string throughput_chart(const std::vector<RunView>& runs) {
  LineChart c = time_chart(runs, "Throughput", "Requests that finished in each second.", "requests per second",
                           [](double v) { return number(v); });
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    c.lines.push_back(series_line(r, s, column(s, "rps"), "requests/s", pick(runs, r, 0)));
    if (const double planned = planned_rate(r); runs.size() == 1 && planned > 0) {
      c.rules.push_back({planned, "planned arrival rate " + per_second(planned), "info", false, true});
    }
  }
  return render(c);
}

void add_latency_thresholds(LineChart& c, const RunView& run) {
  for (const auto& t : latency_thresholds(run)) {
    c.rules.push_back({t.limit.value, "threshold " + t.expression + " on the whole run " + (t.ok ? "✓" : "✗"),
                       t.ok ? "warn" : "limit"});
  }
}

std::string latency_chart(const std::vector<RunView>& runs) {
  const bool open = runs.front().doc.child("metrics").has("http_req_duration_uncorrected");
  LineChart c = time_chart(runs, "Latency over time",
                           std::string("http_req_duration percentiles of the requests that finished in each second") +
                               (open ? "; open model: measured from the intended send time (coordinated omission corrected)" : "") +
                               ". Gaps: seconds in which no request finished.",
                           "latency", latency_tick, kFullWidth);
  c.height = 300;
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    if (runs.size() == 1) {
      c.lines.push_back(series_line(r, s, latency_column(s, "p50"), "p50", 2));
      c.lines.push_back(series_line(r, s, latency_column(s, "p95"), "p95", 0));
      c.lines.push_back(series_line(r, s, latency_column(s, "p99"), "p99", 1));
      // Uncorrected per-second percentiles are drawn when the summary carries them.
      if (has_column(s, "p95_uncorrected")) c.lines.push_back(series_line(r, s, latency_column(s, "p95_uncorrected"), "p95 uncorrected", 0, true));
      if (has_column(s, "p99_uncorrected")) c.lines.push_back(series_line(r, s, latency_column(s, "p99_uncorrected"), "p99 uncorrected", 1, true));
      add_latency_thresholds(c, r);
    } else {
      c.lines.push_back(series_line(r, s, latency_column(s, "p95"), "p95", r.color));
      c.lines.push_back(series_line(r, s, latency_column(s, "p99"), "p99", r.color, true));
    }
  }
  return render(c);
}

std::string errors_chart(const std::vector<RunView>& runs) {
  bool any = false;
  for (const auto& r : runs) {
    for (const auto& p : r.doc.array("timeseries")) any = any || p.value("errors", 0.0) > 0 || p.value("dropped", 0.0) > 0;
  }
  if (!any) {
    return "<figure class=\"chart-box\"><figcaption>Errors</figcaption><p class=\"muted\">No failed request and no dropped "
           "iteration in any second.</p></figure>\n";
  }
  LineChart c = time_chart(runs, "Errors", "Failed requests (transport error or HTTP status >= 400) and dropped iterations "
                           "(open model: arrivals not started because every VU was busy), per second. By kind: see Outcomes.",
                           "per second", [](double v) { return number(v); });
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    c.lines.push_back(series_line(r, s, column(s, "errors", true), "failed/s", pick(runs, r, 1)));
    if (has_column(s, "dropped")) c.lines.push_back(series_line(r, s, column(s, "dropped", true), "dropped/s", pick(runs, r, 6), true));
  }
  return render(c);
}

std::string vus_chart(const std::vector<RunView>& runs) {
  LineChart c = time_chart(runs, "Virtual users", "Active VUs at the end of each second.", "VUs", [](double v) { return number(v); });
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    c.lines.push_back(series_line(r, s, column(s, "vus"), "VUs", pick(runs, r, 3)));
    if (has_column(s, "in_flight")) c.lines.push_back(series_line(r, s, column(s, "in_flight"), "in flight", pick(runs, r, 5), true));
    const auto vmax = r.doc.child("metrics").child("vus_max").number("max");
    if (vmax && runs.size() == 1) c.rules.push_back({*vmax, "VUs allocated (vus_max) " + number(*vmax), "info"});
  }
  return render(c);
}

// Checks over time, when the series carries failed checks per second (issue 12's `checks`).
std::string checks_chart(const std::vector<RunView>& runs) {
  LineChart c = time_chart(runs, "Failed checks", "Check evaluations that failed, per second.", "per second",
                           [](double v) { return number(v); });
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    if (has_column(s, "checks_failed")) c.lines.push_back(series_line(r, s, column(s, "checks_failed", true), "failed checks/s", pick(runs, r, 4)));
  }
  return c.lines.empty() ? "" : render(c);
}

std::string resource_chart(const std::vector<RunView>& runs, const char* key, std::string title, std::string y_label,
                           Formatter f, int color) {
  LineChart c = time_chart(runs, std::move(title), "Read from the target while the run went on (resources.source); gaps: no reading.",
                           std::move(y_label), std::move(f));
  for (const auto& r : runs) {
    const json& s = r.doc.array("timeseries");
    if (has_column(s, key)) c.lines.push_back(series_line(r, s, column(s, key), key, pick(runs, r, color)));
  }
  return c.lines.empty() ? "" : render(c);
}

// Points of the spectrum: the percentile at equal steps of -log10(1 - q), up to what the count resolves.
Line spectrum_line(const loadgen::Histogram& h, std::string name, int color, bool dashed) {
  Line l{std::move(name), {}, {}, color, dashed, false};
  const double top = std::min(std::log10(static_cast<double>(std::max<std::int64_t>(h.count(), 1))), 6.0);
  for (double s = 0; s <= top + 1e-9; s += 0.04) {
    const double q = 100.0 * (1.0 - std::pow(10.0, -s));
    l.x.push_back(q);
    l.y.push_back(static_cast<double>(h.value_at_percentile(q)) / 1000.0);
  }
  return l;
}

loadgen::Histogram histogram(const Fields& f, const std::string& key) {
  try {
    return loadgen::Histogram::deserialize(f.text(key));
  } catch (const Error& e) {
    throw Error(f.where(key) + ": " + e.what());
  }
}

LineChart spectrum_chart(std::string title, std::string note) {
  LineChart c;
  c.title = std::move(title);
  c.note = std::move(note);
  c.x = {"percentile (log scale of 1/(1−q): each step right is ten times rarer)", [](double q) { return format_double("%g%%", q); },
         Scale::tail, std::nullopt, std::nullopt, true, {}};
  c.y = {"latency", latency_tick, Scale::linear, std::nullopt, std::nullopt, true, {}};
  c.width = kHalfWidth;
  c.height = 300;
  return c;
}

std::string total_spectrum(const std::vector<RunView>& runs) {
  const bool open = runs.front().doc.child("histograms").has("http_req_duration_uncorrected");
  LineChart c = spectrum_chart("Latency percentile spectrum, all requests",
                               std::string("The latency that each share of requests stayed under; the right edge is the slowest requests.") +
                                   (open ? " Corrected (solid) counts from the intended send time, so it includes the wait behind a "
                                           "stalled target; uncorrected (dashed) is what a closed-loop tool would report." : ""));
  for (const auto& r : runs) {
    const Fields hs = r.doc.child("histograms");
    const auto h = histogram(hs, "http_req_duration");
    if (h.empty()) continue;
    const std::string prefix = r.label.empty() ? "" : r.label + " ";
    c.lines.push_back(spectrum_line(h, prefix + (open ? "corrected" : "http_req_duration"), r.color, false));
    if (hs.has("http_req_duration_uncorrected")) {
      c.lines.push_back(spectrum_line(histogram(hs, "http_req_duration_uncorrected"), prefix + "uncorrected", runs.size() > 1 ? r.color : 1, true));
    }
    if (runs.size() > 1) continue;
    for (double q : {95.0, 99.0}) {
      const double v = static_cast<double>(h.value_at_percentile(q)) / 1000.0;
      c.markers.push_back({q, v, format_double("p%g ", q) + latency_ms(v), "info", true});
    }
    add_latency_thresholds(c, r);
  }
  return render(c);
}

std::string per_name_spectrum(const RunView& run) {
  const json& requests = run.doc.child("raw").array("requests");
  if (requests.size() < 2) return "";
  LineChart c = spectrum_chart("Latency percentile spectrum per request", "Each request name on its own (http_req_duration).");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const Fields r(requests[i], run.doc.file(), "raw.requests[" + std::to_string(i) + "]");
    const auto h = histogram(r, "duration");
    if (h.empty()) continue;
    const std::string scenario = r.text("scenario");
    c.lines.push_back(spectrum_line(h, (scenario.empty() || scenario == "default" ? "" : scenario + "/") + r.text("name"),
                                    static_cast<int>(i % 8), i >= 8));
  }
  return render(c);
}

}  // namespace

std::vector<LatencyThreshold> latency_thresholds(const RunView& run) {
  std::vector<LatencyThreshold> out;
  for (const auto& t : run.doc.array("thresholds")) {
    if (t.value("metric", "") != "http_req_duration") continue;
    const std::string expr = t.value("expression", "");
    const auto limit = parse_threshold_limit("http_req_duration", expr);
    if (!limit || limit->aggregation == "count" || limit->aggregation == "rate") continue;
    out.push_back({expr, *limit, t.value("ok", false)});
  }
  return out;
}

std::string over_time_section(const std::vector<RunView>& runs) {
  std::string grid = throughput_chart(runs) + errors_chart(runs) + vus_chart(runs) + checks_chart(runs);
  grid += resource_chart(runs, "memory_bytes", "Target memory", "target memory (bytes)", [](double v) { return format_bytes(v); }, 5);
  grid += resource_chart(runs, "cpu_cores", "Target CPU", "target CPU (cores)", [](double v) { return number(v); }, 6);
  return section("over-time", "Over time", latency_chart(runs) + "<div class=\"grid2\">" + grid + "</div>\n");
}

std::string spectrum_section(const std::vector<RunView>& runs) {
  std::string body = total_spectrum(runs);
  if (runs.size() == 1) body += per_name_spectrum(runs.front());
  return section("spectrum", "Latency percentiles", "<div class=\"grid2\">" + body + "</div>\n");
}

std::string outcomes_section(const RunView& run) {
  BarChart codes{"Responses by HTTP status code", [](double v) { return number(v); }, {}, kHalfWidth};
  for (const auto& [code, n] : run.doc.child("status_codes").json().items()) {
    const char c = code.empty() ? '0' : code[0];
    codes.bars.push_back({code, n.get<double>(), c == '5' ? "bad" : c == '4' ? "warn" : "good"});
  }
  BarChart errors{"Transport errors by kind", [](double v) { return number(v); }, {}, kHalfWidth};
  for (const auto& [kind, n] : run.doc.child("errors").json().items()) {
    if (n.is_number() && n.get<double>() > 0) errors.bars.push_back({kind, n.get<double>(), "bad"});
  }
  std::string body = "<div class=\"grid2\">" + render(codes) +
                     (errors.bars.empty() ? "<figure class=\"chart-box\"><figcaption>Transport errors by kind</figcaption>"
                                            "<p class=\"muted\">None: every request got a response.</p></figure>"
                                          : render(errors)) + "</div>\n";
  const json& examples = run.doc.array("error_examples");
  if (!examples.empty()) {
    body += "<h3>First example of each error kind</h3><ul>";
    for (const auto& e : examples) body += "<li><code>" + escape(e.is_string() ? e.get<std::string>() : e.dump()) + "</code></li>";
    body += "</ul>\n";
  }
  return section("outcomes", "Outcomes", body);
}

}  // namespace perfval::report::html
