// The regression report (perfval/regress/v1 -> HTML): the verdict, the table of every metric, and per metric a
// trend over the history with its change points, the baseline band and the SLA limit.
#include <algorithm>
#include <cmath>

#include "html_page.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/regression/format.hpp"
#include "perfval/report/html.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report::html {

namespace {

using nlohmann::json;

// CSS kind of a verdict id; ids this perfval does not know yet get the neutral kind.
std::string verdict_kind(const std::string& id) {
  if (id == "regressed" || id == "sla_breach") return "bad";
  if (id == "improved" || id == "ok" || id == "unchanged") return "good";
  if (id == "not_significant" || id == "inconclusive") return "warn";
  return "info";
}

std::string verdict_text(const std::string& id) {
  std::string t = id == "sla_breach" ? "SLA breach" : id;
  std::replace(t.begin(), t.end(), '_', ' ');
  return t;
}

std::string chip(const std::string& id) {
  return "<span class=\"chip " + verdict_kind(id) + "\">" + escape(verdict_text(id)) + "</span>";
}

std::string value(const Fields& row, const std::string& key) {
  return regression::format_value(row.number(key), row.text("unit"));
}

std::string change(const Fields& row, const std::string& key) { return regression::format_change(row.number(key)); }

// The noise the verdict allowed for, e.g. "±20%", or "-" when the row had none.
std::string noise(const Fields& row) {
  const auto n = row.number("noise_pct");
  return n ? "±" + number(*n) + "%" : "-";
}

std::string header(const Fields& d) {
  const std::string status = d.text("status");
  const bool failed = status == "failed", passed = status == "passed", aborted = status == "aborted";
  std::string out = "<header><h1>Regression check" +
                    badge(failed    ? "✗ FAILED"
                          : aborted ? "✗ STOPPED"
                          : passed  ? "✓ PASSED"
                                    : "⚠ NOTHING JUDGED",
                          failed || aborted ? "fail" : passed ? "pass" : "warn") +
                    "</h1>\n<p><b>" + escape(d.text("headline")) + "</b></p>\n";
  std::string previous = d.text("previous");
  out += "<p class=\"meta\">current " + escape(d.text("current")) + (previous.empty() ? "" : " · previous " + escape(previous)) +
         " · history " + std::to_string(d.array("history").size()) + " runs · baselines " + escape(d.text("baseline_file")) + "</p>\n";
  std::string tier = d.text("sla_tier");
  out += "<p class=\"meta\">SLA tier " + escape(tier.empty() ? "none" : tier) +
         (d.text("sla_tier_source").empty() ? "" : " (" + escape(d.text("sla_tier_source")) + ")") + " · change that counts " +
         number(d.number_or("threshold_pct", 0)) + " % · significance level " + number(d.number_or("alpha", 0)) + "</p></header>\n";
  std::string counts;
  for (const auto& [id, n] : d.child("counts").json().items()) {
    if (n.is_number() && n.get<double>() > 0) counts += chip(id) + " " + n.dump() + " &nbsp; ";
  }
  out += counts.empty() ? "" : "<p>" + counts + "</p>\n";
  // The inconclusive count and what it does to the gate, as every report says it.
  if (const std::string w = d.text("warning"); !w.empty()) out += "<p class=\"meta\">⚠ " + escape(w) + "</p>\n";
  return out;
}

std::string verdict_table(const Fields& d) {
  std::string rows;
  for (const auto& m : d.array("metrics")) {
    const Fields r(m, d.file(), "metrics");
    std::string base = value(r, "baseline");
    if (r.has("tolerance_pct")) base += " ±" + number(r.number_or("tolerance_pct", 0)) + "%";
    const std::string id = r.text("verdict");
    const std::vector<Cell> cells = {{chip(id), false, ""}, text_cell(r.text("name")), text_cell(r.text("metric")), num_cell(base),
                                     num_cell(value(r, "previous")), num_cell(value(r, "current"), verdict_kind(id) == "bad" ? "bad" : ""),
                                     num_cell(change(r, "change_vs_baseline_pct")), num_cell(change(r, "change_vs_previous_pct")),
                                     num_cell(change(r, "normalized_change_pct")), num_cell(noise(r)),
                                     num_cell(regression::format_p_value(r.number("p_value")))};
    rows += "<tr class=\"row\">";
    for (const auto& c : cells) rows += std::string(c.numeric ? "<td class=\"n " + c.cls + "\">" : "<td>") + c.html + "</td>";
    rows += "</tr>\n<tr class=\"why\"><td></td><td colspan=\"10\">" + escape(r.text("reason")) + "</td></tr>\n";
  }
  std::string head = "<table class=\"verdicts\"><thead><tr>";
  for (const auto& h : {"verdict", "name", "metric"}) head += std::string("<th>") + h + "</th>";
  for (const auto& h : {"baseline", "previous", "current", "vs baseline", "vs previous", "normalized", "noise", "p"}) head += std::string("<th class=\"n\">") + h + "</th>";
  return section("verdicts", "Verdicts", head + "</tr></thead><tbody>\n" + rows + "</tbody></table>\n");
}

// The row's series: the history it was judged on, or else previous and current.
void row_series(const Fields& r, const Fields& d, std::vector<std::string>& runs, std::vector<double>& values) {
  const Fields s = r.child("series");
  for (const auto& v : s.array("values")) values.push_back(v.is_number() ? v.get<double>() : NAN);
  for (const auto& l : s.array("runs")) runs.push_back(l.is_string() ? l.get<std::string>() : l.dump());
  if (!values.empty()) return;
  if (const auto p = r.number("previous")) values.push_back(*p), runs.push_back(d.text("previous", "previous"));
  if (const auto c = r.number("current")) values.push_back(*c), runs.push_back(d.text("current", "current"));
}

void add_change_points(LineChart& c, const Fields& r, std::size_t n) {
  const json& cps = r.array("change_points");
  if (cps.empty()) return;
  Line levels{"segment means", {}, {}, 7, true, false};
  double level = cps.front().value("before", 0.0);
  std::size_t from = 0;
  for (const auto& cp : cps) {
    const auto at = cp.value("index", std::size_t{0});
    levels.x.insert(levels.x.end(), {static_cast<double>(from), static_cast<double>(at) - 0.5});
    levels.y.insert(levels.y.end(), {level, level});
    levels.x.push_back(NAN), levels.y.push_back(NAN);
    c.rules.push_back({static_cast<double>(at) - 0.5,
                       regression::format_change(cp.value("change_pct", 0.0)) + " at " + cp.value("run", ""), "warn", true});
    level = cp.value("after", 0.0);
    from = at;
  }
  levels.x.insert(levels.x.end(), {static_cast<double>(from), static_cast<double>(n - 1)});
  levels.y.insert(levels.y.end(), {level, level});
  c.lines.push_back(std::move(levels));
}

std::string trend_chart(const Fields& r, const Fields& d) {
  std::vector<std::string> runs;
  std::vector<double> values;
  row_series(r, d, runs, values);
  const std::string unit = r.text("unit");
  LineChart c;
  c.title = r.text("name");
  c.note = r.text("metric") + ": " + verdict_text(r.text("verdict"));
  c.width = 560;
  c.height = 220;
  const double n = static_cast<double>(values.size());
  std::vector<double> ticks;  // at most 5 run labels, the first and the current among them
  const int gaps = static_cast<int>(std::min(4.0, std::max(n - 1, 0.0)));
  for (int k = 0; k <= gaps; ++k) ticks.push_back(gaps == 0 ? 0 : std::round(k * (n - 1) / gaps));
  c.x = {"run (oldest → current)", [runs](double i) {
           const auto k = static_cast<std::size_t>(std::lround(i));
           return k < runs.size() ? (runs[k].size() > 14 ? runs[k].substr(0, 13) + "…" : runs[k]) : std::string();
         },
         Scale::linear, values.size() > 1 ? std::optional<double>(-0.3) : std::optional<double>(-1),
         n > 1 ? std::optional<double>(n - 0.7) : std::optional<double>(1), false, ticks};
  c.y = {unit.empty() ? r.text("metric") : unit,
         [unit](double v) { return unit == "%" ? compact(v) + "%" : compact(v); }, Scale::linear, std::nullopt, std::nullopt, false, {}};
  Line l{"value per run", {}, values, 0, false, true};
  for (std::size_t i = 0; i < values.size(); ++i) l.x.push_back(static_cast<double>(i));
  c.lines.push_back(l);
  if (const auto base = r.number("baseline")) {
    const double tol = r.number_or("tolerance_pct", 0) / 100.0 * std::fabs(*base);
    if (tol > 0) c.bands.push_back({"baseline ± tolerance", {-0.3, std::max(n - 0.7, 0.7)}, {*base - tol, *base - tol}, {*base + tol, *base + tol}, 2, true});
    c.rules.push_back({*base, "baseline " + regression::format_value(*base, unit), "good", false, true});
  }
  if (const auto sla = r.child("sla").number("limit")) {
    c.rules.push_back({*sla, "SLA " + r.child("sla").text("op") + " " + regression::format_value(*sla, unit), "limit", false, false});
  }
  add_change_points(c, r, values.size());
  if (const auto cur = r.number("current"); cur && !values.empty()) {
    const std::string kind = verdict_kind(r.text("verdict"));
    c.markers.push_back({n - 1, *cur, "current " + regression::format_value(*cur, unit), kind == "good" ? "good" : kind, true});
  }
  return render(c);
}

std::string trends_section(const Fields& d) {
  std::string body;
  for (const auto& m : d.array("metrics")) {
    const Fields r(m, d.file(), "metrics");
    if (r.has("current") || r.has("previous") || r.has("series")) body += trend_chart(r, d);
  }
  if (body.empty()) return "";
  return section("trends", "Trends",
                 "<p class=\"muted\">Each metric over the runs it was judged on: the green band is the baseline's tolerance, "
                 "the red line the SLA limit, dashed amber lines the change points found over the history.</p>\n"
                 "<div class=\"grid2\">" + body + "</div>\n");
}

std::string notes_section(const Fields& d) {
  const json& notes = d.array("notes");
  if (notes.empty()) return "";
  std::string body = "<ul>";
  for (const auto& n : notes) body += "<li>" + escape(n.is_string() ? n.get<std::string>() : n.dump()) + "</li>";
  return section("notes", "Notes: the machine, the noise, the inputs", body + "</ul>\n");
}

}  // namespace

}  // namespace perfval::report::html

namespace perfval::report {

std::string render_regress_html(const HtmlSource& source) {
  const html::Fields d = html::open_document(source, "perfval/regress/v1", {"status", "metrics"});
  return html::guarded(source.file, [&] {
    const std::string body = html::header(d) + html::verdict_table(d) + html::trends_section(d) + html::notes_section(d);
    return html::page("perfval regress: " + d.text("headline"), body, {source.file});
  });
}

namespace {

// `--format html`: renders the JSON reporter's document, so the HTML shows exactly what tools read.
class HtmlRegressReporter : public RegressReporter {
 public:
  std::string name() const override { return "html"; }
  std::string render(const regression::RegressionReport& report) const override {
    HtmlSource source{"perfval regress", nlohmann::json::parse(make_json_regress_reporter()->render(report))};
    return render_regress_html(source);
  }
};

}  // namespace

std::unique_ptr<RegressReporter> make_html_regress_reporter() { return std::make_unique<HtmlRegressReporter>(); }

}  // namespace perfval::report
