// The capacity report (perfval/capacity/v1 -> HTML): per metric the history, the forecast with its intervals,
// the capacity threshold and hard limit with the days until each is reached; the forecast and recommendations
// tables.
#include <algorithm>
#include <cmath>
#include <ctime>

#include "html_page.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/common/size.hpp"
#include "perfval/regression/format.hpp"
#include "perfval/report/html.hpp"

namespace perfval::report::html {

namespace {

using nlohmann::json;
constexpr double kDay = 86400;

std::string unit_value(double v, const std::string& unit) {
  if (unit == "percent") return regression::format_number(v) + " %";
  if (unit == "bytes") return format_bytes(v);
  return regression::format_value(v, unit);
}

std::string date_text(double unix_seconds, bool with_time) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, with_time ? "%m-%d %H:%M" : "%Y-%m-%d", &tm);
  return buf;
}

// Ticks at whole hours or days (UTC), at most about 7 of them.
std::vector<double> date_ticks(double from, double to) {
  static const double steps[] = {3600, 3 * 3600, 6 * 3600, 12 * 3600, kDay, 2 * kDay, 7 * kDay, 14 * kDay, 30 * kDay, 61 * kDay, 91 * kDay, 182 * kDay, 365 * kDay};
  double step = steps[std::size(steps) - 1];
  for (double s : steps) {
    if ((to - from) / s <= 7) {
      step = s;
      break;
    }
  }
  std::vector<double> out;
  for (double t = std::ceil(from / step) * step; t <= to; t += step) out.push_back(t);
  return out;
}

std::string days_text(const Fields& limit) {
  if (!limit.has("value")) return "-";
  const auto d = limit.number("days_until");
  return d ? format_double("in %.1f d", *d) : "beyond horizon";
}

std::string interval_text(const json& intervals, double level, const std::string& unit) {
  for (const auto& i : intervals) {
    if (std::fabs(i.value("level_pct", 0.0) - level) < 1e-9) {
      return regression::format_number(i.value("lower", 0.0)) + " – " + unit_value(i.value("upper", 0.0), unit);
    }
  }
  return "-";
}

std::vector<double> levels_of(const json& intervals) {
  std::vector<double> out;
  for (const auto& i : intervals) out.push_back(i.value("level_pct", 0.0));
  std::sort(out.rbegin(), out.rend());  // widest first, so the narrower band is drawn over it
  return out;
}

void add_history(LineChart& c, const Fields& history) {
  Line l{"history", {}, {}, 0, false, false};
  for (const auto& b : history.array("series")) {
    if (!b.is_array() || b.size() < 3) throw Error(history.where("series") + ": expected [t, min, max] entries");
    const double t = b[0].get<double>(), lo = b[1].get<double>(), hi = b[2].get<double>();
    l.x.push_back(t), l.y.push_back(lo);
    if (hi != lo) l.x.push_back(t), l.y.push_back(hi);
  }
  if (!l.x.empty()) c.lines.push_back(std::move(l));
}

constexpr std::size_t kPathPoints = 500;  // forecast points drawn per metric (the path has up to 2000)

void add_forecast(LineChart& c, const Fields& projected) {
  json path = json::array();
  const json& full = projected.array("path");
  const std::size_t stride = std::max<std::size_t>(1, (full.size() + kPathPoints - 1) / kPathPoints);
  for (std::size_t i = 0; i < full.size(); i += stride) path.push_back(full[i]);
  if (!full.empty() && (full.size() - 1) % stride != 0) path.push_back(full.back());
  Line f{"forecast", {}, {}, 1, true, false};
  for (const auto& p : path) f.x.push_back(p.value("t", 0.0)), f.y.push_back(p.value("value", 0.0));
  bool light = true;
  for (double level : levels_of(projected.array("intervals"))) {
    Band b{format_double("%g %% interval", level), {}, {}, {}, 1, light && levels_of(projected.array("intervals")).size() > 1};
    for (const auto& p : path) {
      for (const auto& i : p.value("intervals", json::array())) {
        if (std::fabs(i.value("level_pct", 0.0) - level) > 1e-9) continue;
        b.x.push_back(p.value("t", 0.0)), b.lo.push_back(i.value("lower", 0.0)), b.hi.push_back(i.value("upper", 0.0));
      }
    }
    if (!b.x.empty()) c.bands.push_back(std::move(b));
    light = false;
  }
  if (!f.x.empty()) c.lines.push_back(std::move(f));
}

// A limit line, and a marker where the forecast reaches it.
void add_limit(LineChart& c, const Fields& limit, double t_last, const std::string& what, const std::string& kind, const std::string& unit) {
  const auto v = limit.number("value");
  if (!v) return;
  c.rules.push_back({*v, what + " " + unit_value(*v, unit), kind, false, true});
  if (const auto d = limit.number("days_until")) {
    c.markers.push_back({t_last + *d * kDay, *v, what + format_double(" in %.1f d", *d), kind, true});
  }
}

double last_history_time(const Fields& m) {
  const json& s = m.child("history").array("series");
  if (!s.empty() && s.back().is_array() && !s.back().empty()) return s.back()[0].get<double>();
  const json& path = m.child("projected").array("path");
  return path.empty() ? 0 : path.front().value("t", 0.0);
}

std::string metric_chart(const Fields& m) {
  const std::string unit = m.text("unit");
  LineChart c;
  c.title = m.text("name") == m.text("metric") ? m.text("name") : m.text("name") + " (" + m.text("metric") + ")";
  c.note = "model " + m.child("model").text("name") + ", confidence " + m.child("confidence").text("grade") + ": " +
           m.child("confidence").text("reason");
  c.width = kHalfWidth;
  c.height = 260;
  add_history(c, m.child("history"));
  add_forecast(c, m.child("projected"));
  const double now = last_history_time(m);
  add_limit(c, m.child("capacity_threshold"), now, "capacity threshold", "warn", unit);
  add_limit(c, m.child("hard_limit"), now, "hard limit", "limit", unit);
  c.rules.push_back({now, "last data", "info", true});
  double from = now, to = now;
  for (const auto& l : c.lines) for (double x : l.x) from = std::min(from, x), to = std::max(to, x);
  const bool short_span = to - from < 3 * kDay;
  c.x = {"date (UTC)", [short_span](double t) { return date_text(t, short_span); }, Scale::linear, from, to, false, date_ticks(from, to)};
  c.y = {unit == "percent" ? "% of the limit" : unit, compact, Scale::linear,
         m.child("bounds").number("min"), m.child("bounds").number("max"), true, {}};  // forecasts stay within the bounds
  const std::string facts = "<p class=\"meta\">now " + unit_value(m.number_or("current", 0), unit) + " → in " +
                            number(m.number_or("horizon_days", 0)) + " d " + unit_value(m.child("projected").number_or("value", 0), unit) +
                            " (growth " + regression::format_change(m.child("growth").number("pct")) + ") · capacity threshold " +
                            days_text(m.child("capacity_threshold")) + " · hard limit " + days_text(m.child("hard_limit")) + "</p>\n";
  return "<div>" + render(c) + facts + "</div>";
}

std::string forecast_table(const Fields& d) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& mj : d.array("metrics")) {
    const Fields m(mj, d.file(), "metrics");
    if (m.text("status") != "ok") continue;
    const std::string unit = m.text("unit");
    const json& iv = m.child("projected").array("intervals");
    const bool alert = m.flag("alert");
    rows.push_back({text_cell(m.text("name")), text_cell(m.child("model").text("name")), num_cell(unit_value(m.number_or("current", 0), unit)),
                    num_cell(unit_value(m.child("projected").number_or("value", 0), unit) + " (" + number(m.number_or("horizon_days", 0)) + " d)"),
                    {escape(interval_text(iv, 80, unit)) + "<br>" + escape(interval_text(iv, 95, unit)), true, ""},
                    num_cell(regression::format_change(m.child("growth").number("pct")), m.child("growth").flag("exceeded") ? "warn" : ""),
                    num_cell(days_text(m.child("capacity_threshold")), alert ? "bad" : ""), num_cell(days_text(m.child("hard_limit"))),
                    text_cell(m.child("confidence").text("grade"))});
  }
  return section("forecasts", "Forecasts",
                 table({"metric", "model", "#now", "#forecast (horizon)", "#80 % / 95 % interval", "#growth", "#capacity threshold", "#hard limit", "confidence"}, rows));
}

std::string recommendations_table(const Fields& d) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& rj : d.array("recommendations")) {
    const Fields r(rj, d.file(), "recommendations");
    const bool enough = r.flag("sufficient", true);
    rows.push_back({text_cell(r.text("metric")), text_cell(r.text("resource")), num_cell(r.text("current")),
                    num_cell(r.text("recommended").empty() ? "no change" : r.text("recommended"), r.flag("change") ? "warn" : ""),
                    text_cell((enough ? "" : "⚠ ") + r.text("action"), enough ? "" : "bad")});
  }
  const Fields tp = d.child("throughput");
  const std::string note = "<p class=\"muted\">Replica counts use " + per_second(tp.number_or("per_replica_rps", 0)) +
                           " per replica (from " + escape(tp.text("source")) + ").</p>\n";
  if (rows.empty()) return section("recommendations", "Recommendations", note + "<p class=\"muted\">None.</p>\n");
  return section("recommendations", "Recommendations", note + table({"metric", "resource", "#now", "#recommended", "action"}, rows));
}

std::string header(const Fields& d) {
  const bool alert = d.flag("alert");
  std::string out = "<header><h1>Capacity plan" +
                    badge(alert ? "⚠ ALERT: a threshold is reached within its horizon" : "✓ within capacity over every horizon",
                          alert ? "fail" : "pass") + "</h1>\n";
  out += "<p class=\"meta\">generated " + escape(d.text("generated_at")) + " from " + escape(d.text("config")) + " · " +
         number(d.number_or("analysed", 0)) + " metrics analysed, " + number(d.number_or("failed", 0)) + " failed</p></header>\n";
  for (const auto& mj : d.array("metrics")) {
    const Fields m(mj, d.file(), "metrics");
    if (m.text("status") != "ok") out += callout("<b>not analysed:</b> " + escape(m.text("error")), "bad");
    for (const auto& w : m.array("warnings")) out += callout(escape(w.is_string() ? w.get<std::string>() : w.dump()), "warn");
  }
  return out;
}

}  // namespace

}  // namespace perfval::report::html

namespace perfval::report {

std::string render_capacity_html(const HtmlSource& source) {
  const html::Fields d = html::open_document(source, "perfval/capacity/v1", {"metrics"});
  return html::guarded(source.file, [&] {
    std::string charts;
    for (const auto& mj : d.array("metrics")) {
      const html::Fields m(mj, d.file(), "metrics");
      if (m.text("status") == "ok") charts += html::metric_chart(m);
    }
    const std::string body = html::header(d) + html::forecast_table(d) +
                             html::section("charts", "History and forecast",
                                           "<p class=\"muted\">Blue: the history as measured (each bucket's lowest and "
                                           "highest value); orange dashed: the forecast, with its prediction intervals "
                                           "shaded; amber and red lines: the capacity threshold and the hard limit, "
                                           "with the day the forecast reaches each marked.</p>\n<div class=\"grid2\">" +
                                               charts + "</div>\n") +
                             html::recommendations_table(d);
    return html::page("perfval capacity plan", body, {source.file});
  });
}

}  // namespace perfval::report
