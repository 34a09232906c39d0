// The run report's load steps (issue 16): the capacity answer in one sentence, throughput and p95 per step with the
// SLA line and the answer marked, and the step table.
#include "html_run.hpp"
#include "perfval/common/format.hpp"
#include "html_svg.hpp"

namespace perfval::report::html {

namespace {
using nlohmann::json;

struct StepPoint {
  double level = 0;      // VUs or iterations per second
  double rps = 0;        // requests per second achieved
  double p95 = 0;        // ms
  bool ok = false;       // the SLA held on the step
};

std::vector<StepPoint> points_of(const RunView& run) {
  std::vector<StepPoint> out;
  for (const auto& s : run.doc.array("steps")) {
    const Fields f(s, run.doc.file(), "steps");
    out.push_back({f.has("rate") ? f.number_or("rate", 0) : f.number_or("vus", 0), f.number_or("rps", 0),
                   f.number_or("p95_ms", 0), f.flag("sla_ok")});
  }
  return out;
}

// A marker for each step: green where the SLA held, red where it broke; the answer and the knee labelled.
void mark_steps(LineChart& c, const std::vector<StepPoint>& pts, bool p95, const Fields& answer, const Fields& knee) {
  const int found = static_cast<int>(answer.number_or("step", 0));
  const int broke = static_cast<int>(answer.child("broke_at").number_or("step", 0));
  const int kn = knee.text("status") == "found" ? static_cast<int>(knee.number_or("step", 0)) : 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    std::string label = "step " + std::to_string(n) + ": " + per_second(pts[i].rps) + ", p95 " + latency_ms(pts[i].p95);
    const bool named = n == found || n == broke || n == kn;
    if (n == found) label = "capacity within SLA — " + label;
    if (n == broke) label = "broke the SLA — " + label;
    if (n == kn) label = "knee — " + label;
    c.markers.push_back({pts[i].level, p95 ? pts[i].p95 : pts[i].rps, label, pts[i].ok ? "good" : "limit", named});
  }
}

LineChart step_chart(const std::string& title, const std::string& level_label, const std::vector<StepPoint>& pts, bool p95) {
  LineChart c;
  c.title = title;
  c.width = kHalfWidth;
  c.x = {level_label, compact, Scale::linear, std::nullopt, std::nullopt, true, {}};
  c.y = p95 ? Axis{"p95 latency", latency_tick, Scale::linear, std::nullopt, std::nullopt, true, {}}
            : Axis{"requests per second", compact, Scale::linear, std::nullopt, std::nullopt, true, {}};
  Line l{p95 ? "p95 per step" : "achieved per step", {}, {}, p95 ? 0 : 3, false, true};
  for (const auto& p : pts) {
    l.x.push_back(p.level);
    l.y.push_back(p95 ? p.p95 : p.rps);
  }
  c.lines.push_back(l);
  return c;
}

// The SLA line on the p95 chart: every http_req_duration percentile or average threshold, as written.
void add_sla_lines(LineChart& c, const RunView& run) {
  for (const auto& t : latency_thresholds(run)) {
    c.rules.push_back({t.limit.value, "SLA " + t.expression + (t.limit.aggregation == "p(95)" ? "" : " (another aggregate)"),
                       "limit", false, true});
  }
}

std::string answer_text(const RunView& run) {
  const Fields c = run.doc.child("capacity_found");
  const std::string status = c.text("status");
  const bool open = !run.doc.array("steps").empty() && !run.doc.array("steps")[0].value("rate", json()).is_null();
  const auto level = [open](const Fields& f) {
    return open ? number(f.number_or("rate", 0)) + " iterations/s" : number(f.number_or("vus", 0)) + " VUs";
  };
  std::string out;
  if (status == "found" || status == "not reached") {
    out = "<b>Capacity within the SLA: " + escape(level(c)) + ", " + escape(per_second(c.number_or("rps", 0))) + "</b>";
    const Fields b = c.child("broke_at");
    out += status == "found" ? "; broke at " + escape(level(b)) + ": " + escape(b.text("reason"))
                             : "; not reached: the SLA held at every step, so the target can serve at least this";
  } else {
    out = "<b>Capacity within the SLA not determined</b>: " + escape(c.text("reason"));
  }
  if (c.text("basis") == "fixed windows") out += " (steps are fixed windows of a continuous ramp: no stage holds a level)";
  const Fields k = run.doc.child("knee");
  if (k.text("status") == "found") out += ".<br>Knee: throughput stops growing at " + escape(level(k)) + " — " + escape(k.text("reason"));
  return out;
}

std::string table_of(const RunView& run) {
  std::vector<std::vector<Cell>> rows;
  int n = 0;
  for (const auto& s : run.doc.array("steps")) {
    const Fields f(s, run.doc.file(), "steps");
    const bool ok = f.flag("sla_ok");
    std::string failed;
    for (const auto& t : f.array("failed_thresholds")) failed += (failed.empty() ? "" : "; ") + t.value("text", "");
    if (!f.flag("complete", true)) failed += (failed.empty() ? "" : "; ") + std::string("cut short");
    rows.push_back({text_cell(ok ? "✓" : "✗", ok ? "ok" : "bad"), num_cell(std::to_string(++n)),
                    num_cell(number(f.number_or("stage", 0))), num_cell(number(f.number_or("vus", 0))),
                    num_cell(f.has("rate") ? per_second(f.number_or("rate", 0)) : "-"),
                    num_cell(per_second(f.number_or("rps", 0))), num_cell(latency_ms(f.number_or("p50_ms", 0))),
                    num_cell(latency_ms(f.number_or("p95_ms", 0))), num_cell(latency_ms(f.number_or("p99_ms", 0))),
                    num_cell(percent(f.number_or("error_rate", 0))), num_cell(number(f.number_or("dropped", 0))),
                    text_cell(failed)});
  }
  return table({"SLA", "#step", "#stage", "#VUs", "#rate", "#achieved", "#p50", "#p95", "#p99", "#errors", "#dropped",
                "broken by"},
               rows);
}
}  // namespace

std::string steps_section(const RunView& run) {
  if (run.doc.array("steps").empty()) return "";
  const std::vector<StepPoint> pts = points_of(run);
  const bool open = !run.doc.array("steps")[0].value("rate", json()).is_null();
  const std::string level = open ? "arrival rate (iterations/s)" : "VUs";
  const Fields answer = run.doc.child("capacity_found");
  const Fields knee = run.doc.child("knee");
  LineChart rps = step_chart("Throughput per step", level, pts, false);
  mark_steps(rps, pts, false, answer, knee);
  LineChart p95 = step_chart("p95 per step against the SLA", level, pts, true);
  add_sla_lines(p95, run);
  mark_steps(p95, pts, true, answer, knee);
  const bool ok = answer.text("status") == "found" || answer.text("status") == "not reached";
  return section("steps", "Load steps and capacity",
                 (run.doc.has("capacity_found") ? callout(answer_text(run), ok ? "info" : "warn") : "") + "<div class=\"grid2\">" + render(rps) + render(p95) +
                     "</div>\n" + table_of(run));
}

}  // namespace perfval::report::html
