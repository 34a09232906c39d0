// The run report (perfval/summary/v1 -> HTML): header and verdict, key figures, thresholds, the charts, the
// per-request table, checks, the target's resources, steps, outcomes and the configuration as it ran.
#include <algorithm>
#include <cmath>

#include "html_run.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/common/size.hpp"
#include "perfval/loadgen/histogram.hpp"
#include "perfval/loadgen/threshold.hpp"
#include "perfval/report/html.hpp"

namespace perfval::report::html {

namespace {

using nlohmann::json;

bool is_duration_metric(const std::string& metric) {
  return (metric.rfind("http_req_", 0) == 0 && metric.rfind("http_req_failed", 0) != 0) || metric.rfind("target_gc_pause", 0) == 0;
}

// The run's name in legends: its folder for DIR/summary.json, else the file name.
std::string run_label(const std::string& file) {
  std::string path = file;
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name == "summary.json" && slash != std::string::npos && slash > 0) {
    path = path.substr(0, slash);
    const auto up = path.find_last_of('/');
    return up == std::string::npos ? path : path.substr(up + 1);
  }
  return name;
}

std::pair<std::string, std::string> verdict_badge(const Fields& doc) {
  const std::string status = doc.text("status");
  if (status == "passed") return {"✓ PASSED", "pass"};
  if (status == "failed") return {"✗ FAILED", "fail"};
  if (status == "aborted") return {"⚠ ABORTED", "warn"};
  if (status == "partial") return {"SEGMENT: not judged alone", "info"};
  return {status, "info"};
}

// "constant-arrival-rate: rate 200, timeUnit 1s, duration 30s, preAllocatedVUs 50, maxVUs 200".
std::string executor_text(const json& ex) {
  std::string out = ex.value("executor", "executor");
  std::string opts;
  for (const auto& [k, v] : ex.items()) {
    if (k == "executor" || k == "gracefulStop" || k == "startTime" || k == "gracefulRampDown") continue;
    std::string value;
    if (k == "stages" && v.is_array()) {
      for (const auto& st : v) value += (value.empty() ? "" : ", ") + st.value("duration", "?") + " → " + st.value("target", json(0)).dump();
      value = "[" + value + "]";
    } else {
      value = v.is_string() ? v.get<std::string>() : v.is_number() ? number(v.get<double>()) : v.dump();
    }
    opts += (opts.empty() ? "" : ", ") + k + " " + value;
  }
  return opts.empty() ? out : out + ": " + opts;
}

// One sentence a newcomer reads first: which thresholds held, which failed and by how much.
std::string verdict_sentence(const Fields& d) {
  std::size_t total = 0;
  std::string failed;
  int failures = 0;
  for (const auto& t : d.array("thresholds")) {
    ++total;
    if (t.value("ok", false)) continue;
    const Fields f(t, d.file(), "thresholds");
    failed += (failures++ ? "; " : "") + f.text("metric") + " " + f.text("expression") + " observed " +
              format_observed(f.text("metric"), f.number("observed"));
  }
  if (d.text("status") == "partial") return "One segment of a distributed run: perfval merge judges the thresholds on the whole run.";
  if (total == 0) return "The scenario has no thresholds: nothing was judged.";
  if (failures == 0) return "All " + std::to_string(total) + " thresholds held.";
  return std::to_string(failures) + " of " + std::to_string(total) + " thresholds failed: " + failed + ".";
}

// " (batch scheduling)" for a run whose workers did not run under normal scheduling (`perfval run --sched`).
std::string sched_text(const Fields& config) {
  const std::string sched = config.text("sched", "normal");
  return sched == "normal" ? "" : " (" + escape(sched) + " scheduling)";
}

std::string header(const RunView& run) {
  const Fields& d = run.doc;
  const Fields scenario = d.child("scenario");
  const auto [text, cls] = verdict_badge(d);
  std::string out = "<header><h1>Load test: " + escape(scenario.text("name", "run")) + badge(text, cls) + "</h1>\n";
  out += "<p class=\"verdict " + std::string(cls == "pass" ? "ok" : cls == "fail" ? "bad" : "") + "\"><b>" +
         escape(verdict_sentence(d)) + "</b></p>\n";
  if (!scenario.text("description").empty()) out += "<p class=\"meta\">" + escape(scenario.text("description")) + "</p>\n";
  for (const auto& s : d.child("config").array("scenarios")) {
    const Fields sf(s, d.file(), "config.scenarios");
    const Fields target = sf.child("target");
    std::string where = target.text("base_url");
    if (target.has("embedded")) where += " (embedded target, " + target.child("embedded").json().value("nodes", json(0)).dump() + " nodes)";
    out += "<p class=\"meta\"><b>" + escape(sf.text("name")) + "</b>: " + escape(executor_text(s.value("executor", json::object()))) +
           " → " + escape(where) + "</p>\n";
  }
  out += "<p class=\"meta\">started " + escape(d.text("started_at")) + " · ran " + format_double("%.1f s", d.number_or("duration_s", 0)) +
         " · " + number(d.child("config").number_or("threads", 1)) + " worker threads" + sched_text(d.child("config")) + " · scenario file " +
         escape(scenario.text("file")) + " · perfval " + escape(d.text("perfval_version")) + "</p></header>\n";
  if (d.flag("aborted")) out += callout("<b>Run stopped early:</b> " + escape(d.text("abort_reason")), "bad");
  if (const std::string note = d.child("config").text("sched_note"); !note.empty()) {
    out += callout("<b>Scheduling:</b> " + escape(note), "warn");
  }
  return out;
}

std::string trend_value(const Fields& metrics, const std::string& metric, const std::string& agg) {
  const auto v = metrics.child(metric).number(agg);
  return v ? latency_ms(*v) : "-";
}

std::string key_figures(const RunView& run) {
  const Fields m = run.doc.child("metrics");
  const Fields reqs = m.child("http_reqs"), failed = m.child("http_req_failed");
  std::vector<std::string> items;
  items.push_back(card("requests", number(reqs.number_or("count", 0)), "", per_second(reqs.number_or("rate", 0))));
  items.push_back(card("p95 latency", trend_value(m, "http_req_duration", "p(95)"), "", "median " + trend_value(m, "http_req_duration", "med")));
  items.push_back(card("p99 latency", trend_value(m, "http_req_duration", "p(99)"), "", "max " + trend_value(m, "http_req_duration", "max")));
  if (m.has("http_req_duration_uncorrected")) {
    items.push_back(card("p95 uncorrected", trend_value(m, "http_req_duration_uncorrected", "p(95)"), "", "closed-loop view"));
  }
  const double fail_rate = failed.number_or("rate", 0);
  items.push_back(card("failed", percent(fail_rate), fail_rate > 0 ? "bad" : "", number(failed.number_or("passes", 0)) + " requests"));
  if (m.has("checks")) {
    const double r = m.child("checks").number_or("rate", 0);
    items.push_back(card("checks passed", percent(r), r < 1 ? "bad" : "ok", number(m.child("checks").number_or("fails", 0)) + " failed"));
  }
  if (const double dropped = m.child("dropped_iterations").number_or("count", 0); dropped > 0 || run.doc.child("metrics").has("http_req_duration_uncorrected")) {
    items.push_back(card("dropped iterations", number(dropped), dropped > 0 ? "warn" : ""));
  }
  items.push_back(card("VUs (max)", number(m.child("vus_max").number_or("max", 0))));
  items.push_back(card("data received", format_bytes(m.child("data_received").number_or("count", 0)),
                       "", format_bytes(m.child("data_received").number_or("rate", 0)) + "/s"));
  if (const auto mem = run.doc.child("resources").number("memory_bytes")) items.push_back(card("target memory (max)", format_bytes(*mem)));
  return cards(items);
}

std::string thresholds_section(const std::vector<RunView>& runs) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& r : runs) {
    for (const auto& t : r.doc.array("thresholds")) {
      const Fields f(t, r.doc.file(), "thresholds");
      const bool ok = f.flag("ok");
      std::vector<Cell> row;
      if (runs.size() > 1) row.push_back(text_cell(r.label));
      row.push_back(text_cell(ok ? "✓" : "✗", ok ? "ok" : "bad"));
      row.push_back(text_cell(f.text("metric")));
      row.push_back(text_cell(f.text("expression")));
      row.push_back(num_cell(format_observed(f.text("metric"), f.number("observed")), ok ? "" : "bad"));
      row.push_back(text_cell(f.flag("abort_on_fail") ? "abortOnFail" : ""));
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) return section("thresholds", "Thresholds", "<p class=\"muted\">The scenario has no thresholds.</p>\n");
  std::vector<std::string> head = {"", "metric", "threshold", "#observed", ""};
  if (runs.size() > 1) head.insert(head.begin(), "run");
  return section("thresholds", "Thresholds", table(head, rows));
}

std::string latency_of(const loadgen::Histogram& h, double q) {
  return h.empty() ? "-" : latency_ms(static_cast<double>(h.value_at_percentile(q)) / 1000.0);
}

std::string requests_section(const std::vector<RunView>& runs) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& r : runs) {
    const double seconds = std::max(r.doc.number_or("duration_s", 0), 1e-9);
    for (const auto& e : r.doc.child("raw").array("requests")) {
      const Fields f(e, r.doc.file(), "raw.requests");
      loadgen::Histogram h;
      try {
        h = loadgen::Histogram::deserialize(f.text("duration"));
      } catch (const Error& err) {
        throw Error(f.where("duration") + ": " + err.what());
      }
      const double n = f.number_or("requests", 0), failed = f.number_or("failed", 0);
      std::vector<Cell> row;
      if (runs.size() > 1) row.push_back(text_cell(r.label));
      row.push_back(text_cell(f.text("scenario") + " / " + f.text("name")));
      row.push_back(num_cell(number(n)));
      row.push_back(num_cell(per_second(n / seconds)));
      for (double q : {50.0, 95.0, 99.0}) row.push_back(num_cell(latency_of(h, q)));
      row.push_back(num_cell(h.empty() ? "-" : latency_ms(static_cast<double>(h.max()) / 1000.0)));
      row.push_back(num_cell(n > 0 ? percent(failed / n) : "n/a", failed > 0 ? "bad" : ""));
      row.push_back(num_cell(format_bytes(f.number_or("bytes_received", 0))));
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::string> head = {"scenario / request", "#requests", "#rate", "#p50", "#p95", "#p99", "#max", "#failed", "#received"};
  if (runs.size() > 1) head.insert(head.begin(), "run");
  return section("requests", "Per request", table(head, rows));
}

// k6's check semantics (issue 12): `checks` and `checks{check:NAME}` rate metrics, drawn when present.
std::string checks_section(const RunView& run) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& [key, v] : run.doc.child("metrics").json().items()) {
    if (key.rfind("checks{check:", 0) != 0 || !v.is_object()) continue;
    const Fields f(v, run.doc.file(), "metrics." + key);
    const double rate = f.number_or("rate", 0);
    rows.push_back({text_cell(rate >= 1 ? "✓" : "✗", rate >= 1 ? "ok" : "bad"), text_cell(key.substr(13, key.size() - 14)),
                    num_cell(percent(rate)), num_cell(number(f.number_or("passes", 0))),
                    num_cell(number(f.number_or("fails", 0)), f.number_or("fails", 0) > 0 ? "bad" : "")});
  }
  if (rows.empty() && !run.doc.child("metrics").has("checks")) return "";
  return section("checks", "Checks", table({"", "check", "#passed", "#passes", "#fails"}, rows));
}

// The target's memory, CPU and GC as sampled during the run (issue 11's `resources`).
std::string resources_section(const RunView& run) {
  if (!run.doc.has("resources")) return "";
  const Fields r = run.doc.child("resources");
  std::vector<std::vector<Cell>> rows;
  auto add = [&](const std::string& what, const std::string& key, const std::string& kind) {
    const auto v = r.number(key);
    if (!v) return;
    rows.push_back({text_cell(what), num_cell(kind == "bytes" ? format_bytes(*v) : kind == "ms" ? latency_ms(*v) : number(*v))});
  };
  add("memory, highest", "memory_bytes", "bytes");
  add("memory, mean", "memory_bytes_avg", "bytes");
  add("memory, last", "memory_bytes_last", "bytes");
  add("CPU cores, mean", "cpu_cores", "");
  add("CPU cores, highest", "cpu_cores_max", "");
  add("GC pause, longest", "gc_pause_max_ms", "ms");
  add("GC pause, p75 (recent)", "gc_pause_p75_ms", "ms");
  add("GC pause, mean", "gc_pause_avg_ms", "ms");
  add("GC cycles", "gc_cycles", "");
  add("heap in use, highest", "heap_inuse_bytes", "bytes");
  add("goroutines, highest", "goroutines", "");
  std::string body = "<p class=\"meta\">source: " + escape(r.text("source")) + " · " + number(r.number_or("samples", 0)) +
                     " readings, " + number(r.number_or("errors", 0)) + " failed</p>\n" + table({"figure", "#value"}, rows);
  for (const auto& key : {"notes", "error_examples"}) {
    for (const auto& n : r.array(key)) body += callout(escape(n.is_string() ? n.get<std::string>() : n.dump()), "info");
  }
  return section("resources", "Target resources", body);
}

std::string comparison(const std::vector<RunView>& runs) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& r : runs) {
    const Fields m = r.doc.child("metrics");
    const auto [text, cls] = verdict_badge(r.doc);
    rows.push_back({{"<span class=\"chip s" + std::to_string(r.color) + "\" style=\"color:var(--c" + std::to_string(r.color) + ")\">" +
                     escape(r.label) + "</span>", false, ""},
                    text_cell(text, cls == "pass" ? "ok" : cls == "fail" ? "bad" : "warn"), text_cell(r.doc.text("started_at")),
                    num_cell(format_double("%.1f s", r.doc.number_or("duration_s", 0))),
                    num_cell(number(m.child("http_reqs").number_or("count", 0))), num_cell(per_second(m.child("http_reqs").number_or("rate", 0))),
                    num_cell(trend_value(m, "http_req_duration", "p(95)")), num_cell(trend_value(m, "http_req_duration", "p(99)")),
                    num_cell(percent(m.child("http_req_failed").number_or("rate", 0)))});
  }
  return section("runs", "Runs compared",
                 table({"run", "verdict", "started", "#duration", "#requests", "#rate", "#p95", "#p99", "#failed"}, rows));
}

std::string config_section(const RunView& run) {
  return section("config", "Configuration as run",
                 "<details open><summary class=\"muted\">After command-line overrides. Values taken from the environment "
                 "show as ${VAR}.</summary><pre>" + escape(run.doc.child("config").json().dump(2)) + "</pre></details>\n");
}

void validate(const HtmlSource& s) {
  open_document(s, "perfval/summary/v1", {"status", "metrics", "thresholds", "timeseries", "duration_s"}).child("metrics").at("http_reqs");
}

std::string body_of(const std::vector<RunView>& views) {
  const RunView& first = views.front();
  std::string body = views.size() == 1 ? header(first) + key_figures(first) : header(first) + comparison(views);
  body += thresholds_section(views);
  bool measured = false;
  for (const auto& v : views) measured = measured || v.doc.child("metrics").child("http_reqs").number_or("count", 0) > 0;
  if (!measured) {
    body += callout("<b>This run measured no requests</b>: no request finished, so there is nothing to chart. "
                    "Look at the errors below, the target address and the configuration.", "bad");
  } else {
    body += over_time_section(views) + spectrum_section(views);
  }
  body += requests_section(views);
  if (views.size() == 1) body += checks_section(first) + resources_section(first) + steps_section(first) + outcomes_section(first);
  return body + config_section(first);
}

}  // namespace

std::optional<ThresholdLimit> parse_threshold_limit(const std::string& metric, const std::string& expression) {
  try {
    const loadgen::ThresholdExpr e = loadgen::parse_threshold_expression(expression);
    (void)metric;  // durations are converted to ms by the parser, sizes to bytes
    return ThresholdLimit{e.aggregation, loadgen::to_string(e.op), e.value};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string format_observed(const std::string& metric, const std::optional<double>& observed) {
  if (!observed) return "no data";
  if (is_duration_metric(metric)) return latency_ms(*observed);
  if (metric.rfind("target_memory_bytes", 0) == 0) return format_bytes(*observed);
  return number(*observed);
}

}  // namespace perfval::report::html

namespace perfval::report {

std::string render_run_html(const std::vector<HtmlSource>& runs) {
  if (runs.empty()) throw Error("no run summary to render");
  std::vector<html::RunView> views;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    html::validate(runs[i]);
    views.push_back({html::Fields(runs[i].doc, runs[i].file), runs.size() > 1 ? html::run_label(runs[i].file) : "",
                     static_cast<int>(i % 8)});
    files.push_back(runs[i].file);
  }
  return html::guarded(runs.front().file, [&] {
    return html::page("perfval: " + views.front().doc.child("scenario").text("name", "run"), html::body_of(views), files);
  });
}

}  // namespace perfval::report
