// The SVG writer of the HTML reports: axes with 1-2-5 ticks, legends, lines, bands, rules, markers, bars.
#include "html_svg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "perfval/common/format.hpp"

namespace perfval::report::html {

namespace {

constexpr double kLeft = 70, kRight = 18, kBottom = 42, kLegendRow = 18, kCharWidth = 6.6;
constexpr double kTailMax = 99.9999;  // the highest percentile a tail axis draws

std::string num(double v) { return format_double("%.1f", v); }

double tail_position(double q) { return -std::log10(1.0 - std::min(q, kTailMax) / 100.0); }

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

double nice_step(double span, int target) {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  const double step = nice_step(hi - lo, target);
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return out;
}

// Maps data values to pixels along one axis.
struct Mapping {
  Scale scale = Scale::linear;
  double lo = 0, hi = 1;        // data range, in the scale's space
  double from = 0, to = 1;      // pixel range
  double operator()(double v) const {
    const double s = scale == Scale::tail ? tail_position(v) : v;
    return from + (s - lo) / (hi - lo) * (to - from);
  }
};

Mapping make_mapping(const Axis& axis, Range data, double from, double to) {
  Mapping m;
  m.scale = axis.scale;
  m.from = from;
  m.to = to;
  if (axis.min) data.add(*axis.min);
  if (axis.max) data.add(*axis.max);
  double lo = data.lo, hi = data.hi;  // a fixed end gives way to data beyond it, so nothing is drawn off the plot
  if (axis.scale == Scale::tail) {
    m.lo = tail_position(std::max(0.0, lo));
    m.hi = std::max(tail_position(hi), m.lo + 1);
    return m;
  }
  if (axis.include_zero && !axis.min) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + (lo == 0 ? 1 : std::fabs(lo) * 0.1);
  if (!axis.max) hi += (hi - lo) * 0.04;  // room above the highest point for its marker
  if (axis.ticks.empty()) {  // round the open ends out to whole ticks
    const double step = nice_step(hi - lo, 5);
    if (!axis.max) hi = std::ceil(hi / step - 1e-9) * step;
    if (!axis.min) lo = std::floor(lo / step + 1e-9) * step;
  }
  m.lo = lo;
  m.hi = hi;
  return m;
}

std::vector<double> axis_ticks(const Axis& axis, const Mapping& m) {
  std::vector<double> ticks = axis.ticks;
  if (ticks.empty() && axis.scale == Scale::tail) ticks = {0, 50, 90, 99, 99.9, 99.99, 99.999, 99.9999};
  if (ticks.empty()) ticks = nice_ticks(m.lo, m.hi, 5);
  std::erase_if(ticks, [&](double t) {
    const double s = axis.scale == Scale::tail ? tail_position(t) : t;
    return s < m.lo - 1e-9 || s > m.hi + 1e-9;
  });
  return ticks;
}

struct LegendItem {
  std::string name, swatch;  // swatch: SVG drawn at (0, 0), 18 wide
};

// A horizontal rule far above the data is named in the legend instead of squashing the data under it.
bool off_scale(const Rule& rule, const Range& data) {
  const double hi = data.empty() ? 0.0 : data.hi;  // all zero: nothing to squash, the axis fits the rule
  return !rule.vertical && !rule.in_range && hi > 0 && rule.at > hi * 2.5;
}

Range data_y_range(const LineChart& c) {
  Range r;
  for (const auto& l : c.lines) for (double v : l.y) r.add(v);
  for (const auto& b : c.bands) {
    for (double v : b.lo) r.add(v);
    for (double v : b.hi) r.add(v);
  }
  for (const auto& m : c.markers) r.add(m.y);
  return r;
}

std::vector<LegendItem> legend_items(const LineChart& c) {
  std::vector<LegendItem> items;
  const Range data = data_y_range(c);
  for (const auto& b : c.bands) {
    if (b.name.empty()) continue;
    items.push_back({b.name, "<rect class=\"band f" + std::to_string(b.color % 8) + (b.light ? " light" : "") +
                                 "\" x=\"0\" y=\"-5\" width=\"18\" height=\"10\"/>"});
  }
  for (const auto& l : c.lines) {
    if (l.name.empty()) continue;
    items.push_back({l.name, "<line class=\"line s" + std::to_string(l.color % 8) + (l.dashed ? " dashed" : "") +
                                 "\" x1=\"0\" y1=\"0\" x2=\"18\" y2=\"0\"/>"});
  }
  for (const auto& r : c.rules) {
    if (!off_scale(r, data)) continue;
    items.push_back({"▲ " + r.label + " (above the chart)", "<line class=\"rule " + r.kind + "\" x1=\"0\" y1=\"0\" x2=\"18\" y2=\"0\"/>"});
  }
  return items;
}

// Lays the legend out in rows from the left; returns the SVG and the number of rows used.
std::pair<std::string, int> legend_svg(const std::vector<LegendItem>& items, double width) {
  std::string out;
  double x = kLeft, y = 14;
  int rows = items.empty() ? 0 : 1;
  for (const auto& it : items) {
    const double w = 24 + kCharWidth * static_cast<double>(it.name.size()) + 16;
    if (x + w > width - kRight && x > kLeft) {
      x = kLeft;
      y += kLegendRow;
      ++rows;
    }
    out += "<g transform=\"translate(" + num(x) + "," + num(y) + ")\">" + it.swatch + "<text class=\"legend\" x=\"24\" y=\"4\">" +
           escape(it.name) + "</text></g>";
    x += w;
  }
  return {out, rows};
}

std::string path_of(const std::vector<double>& xs, const std::vector<double>& ys, const Mapping& mx, const Mapping& my) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
      pen_down = false;
      continue;
    }
    d += (pen_down ? "L" : "M") + num(mx(xs[i])) + " " + num(my(ys[i]));
    pen_down = true;
  }
  return d;
}

Range x_range(const LineChart& c) {
  Range r;
  for (const auto& l : c.lines)
    for (std::size_t i = 0; i < l.x.size() && i < l.y.size(); ++i)
      if (std::isfinite(l.y[i])) r.add(l.x[i]);
  for (const auto& b : c.bands) for (double v : b.x) r.add(v);
  for (const auto& m : c.markers) r.add(m.x);
  for (const auto& rule : c.rules) if (rule.vertical && rule.in_range) r.add(rule.at);
  return r;
}

// The y range of the data, widened to every horizontal rule that is not off the scale.
Range y_range(const LineChart& c) {
  const Range data = data_y_range(c);
  Range r = data;
  for (const auto& rule : c.rules) {
    if (!rule.vertical && !off_scale(rule, data)) r.add(rule.at);
  }
  return r;
}

std::string rules_svg(const LineChart& c, const Mapping& mx, const Mapping& my, double top, double bottom) {
  std::string out;
  const double left = mx.from, right = mx.to;
  for (const auto& rule : c.rules) {
    const std::string cls = "rule " + rule.kind;
    if (rule.vertical) {
      const double s = mx.scale == Scale::tail ? tail_position(rule.at) : rule.at;
      if (s < mx.lo || s > mx.hi) continue;
      const double x = mx(rule.at);
      out += "<line class=\"" + cls + "\" x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" +
             num(bottom) + "\"><title>" + escape(rule.label) + "</title></line>";
      out += "<text class=\"rule-label " + rule.kind + "\" x=\"" + num(x + 3) + "\" y=\"" + num(top + 10) + "\">" +
             escape(rule.label) + "</text>";
      continue;
    }
    if (rule.at > my.hi || rule.at < my.lo) continue;  // off the scale: named in the legend
    const double y = my(rule.at);
    out += "<line class=\"" + cls + "\" x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(right) + "\" y2=\"" +
           num(y) + "\"><title>" + escape(rule.label) + "</title></line>";
    out += "<text class=\"rule-label " + rule.kind + "\" x=\"" + num(right - 4) + "\" y=\"" + num(y - 4) +
           "\" text-anchor=\"end\">" + escape(rule.label) + "</text>";
  }
  return out;
}

std::string axes_svg(const LineChart& c, const Mapping& mx, const Mapping& my, double top, double bottom) {
  std::string out;
  for (double t : axis_ticks(c.y, my)) {
    const double y = my(t);
    out += "<line class=\"grid\" x1=\"" + num(mx.from) + "\" y1=\"" + num(y) + "\" x2=\"" + num(mx.to) + "\" y2=\"" + num(y) + "\"/>";
    out += "<text class=\"tick\" x=\"" + num(mx.from - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" +
           escape(c.y.format ? c.y.format(t) : num(t)) + "</text>";
  }
  for (double t : axis_ticks(c.x, mx)) {
    const double x = mx(t);
    out += "<line class=\"grid\" x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(bottom) + "\"/>";
    const char* anchor = x > mx.to - 30 ? "end" : "middle";  // the last label stays inside the chart
    out += "<text class=\"tick\" x=\"" + num(x) + "\" y=\"" + num(bottom + 15) + "\" text-anchor=\"" + anchor + "\">" +
           escape(c.x.format ? c.x.format(t) : num(t)) + "</text>";
  }
  out += "<line class=\"axis\" x1=\"" + num(mx.from) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(mx.to) + "\" y2=\"" + num(bottom) + "\"/>";
  out += "<line class=\"axis\" x1=\"" + num(mx.from) + "\" y1=\"" + num(top) + "\" x2=\"" + num(mx.from) + "\" y2=\"" + num(bottom) + "\"/>";
  out += "<text class=\"axis-label\" x=\"" + num((mx.from + mx.to) / 2) + "\" y=\"" + num(bottom + 34) +
         "\" text-anchor=\"middle\">" + escape(c.x.label) + "</text>";
  out += "<text class=\"axis-label\" transform=\"translate(14," + num((top + bottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape(c.y.label) + "</text>";
  return out;
}

std::string band_svg(const Band& b, const Mapping& mx, const Mapping& my) {
  std::string d;
  for (std::size_t i = 0; i < b.x.size() && i < b.hi.size(); ++i) d += (d.empty() ? "M" : "L") + num(mx(b.x[i])) + " " + num(my(b.hi[i]));
  for (std::size_t i = std::min(b.x.size(), b.lo.size()); i-- > 0;) d += "L" + num(mx(b.x[i])) + " " + num(my(b.lo[i]));
  if (d.empty()) return "";
  return "<path class=\"band f" + std::to_string(b.color % 8) + (b.light ? " light" : "") + "\" d=\"" + d + "Z\">" +
         (b.name.empty() ? "" : "<title>" + escape(b.name) + "</title>") + "</path>";
}

std::string figure(const std::string& title, const std::string& note, const std::string& body) {
  return "<figure class=\"chart-box\"><figcaption>" + escape(title) + "</figcaption>" +
         (note.empty() ? "" : "<p class=\"chart-note\">" + escape(note) + "</p>") + body + "</figure>\n";
}

}  // namespace

std::string render(const LineChart& c) {
  const Range xr = x_range(c), yr = y_range(c);
  if (xr.empty() || yr.empty()) return figure(c.title, c.note, "<p class=\"empty\">No data for this chart.</p>");
  const auto [legend, rows] = legend_svg(legend_items(c), c.width);
  const double top = 12 + kLegendRow * rows, bottom = c.height - kBottom;
  const double height = c.height;
  const Mapping mx = make_mapping(c.x, xr, kLeft, c.width - kRight);
  const Mapping my = make_mapping(c.y, yr, bottom, top);
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(c.width) + " " + num(height) +
                    "\" role=\"img\" aria-label=\"" + escape(c.title) + "\">";
  svg += axes_svg(c, mx, my, top, bottom);
  for (const auto& b : c.bands) svg += band_svg(b, mx, my);
  for (const auto& l : c.lines) {
    const std::string d = path_of(l.x, l.y, mx, my);
    const std::string cls = "s" + std::to_string(l.color % 8);
    if (!d.empty()) svg += "<path class=\"line " + cls + (l.dashed ? " dashed" : "") + "\" d=\"" + d + "\"><title>" + escape(l.name) + "</title></path>";
    if (!l.dots) continue;
    for (std::size_t i = 0; i < l.x.size() && i < l.y.size(); ++i) {
      if (std::isfinite(l.y[i])) svg += "<circle class=\"dot f" + std::to_string(l.color % 8) + "\" cx=\"" + num(mx(l.x[i])) + "\" cy=\"" + num(my(l.y[i])) + "\" r=\"2.5\"/>";
    }
  }
  svg += rules_svg(c, mx, my, top, bottom);
  for (const auto& m : c.markers) {
    svg += "<circle class=\"marker " + m.kind + "\" cx=\"" + num(mx(m.x)) + "\" cy=\"" + num(my(m.y)) + "\" r=\"4.5\"><title>" +
           escape(m.label) + "</title></circle>";
    if (m.show_label) {
      const bool right_half = mx(m.x) > (mx.from + mx.to) / 2;
      svg += "<text class=\"marker-label " + m.kind + "\" x=\"" + num(mx(m.x) + (right_half ? -8 : 8)) + "\" y=\"" +
             num(my(m.y) - 8) + "\" text-anchor=\"" + (right_half ? "end" : "start") + "\">" + escape(m.label) + "</text>";
    }
  }
  svg += legend + "</svg>";
  return figure(c.title, c.note, svg);
}

std::string render(const BarChart& c) {
  if (c.bars.empty()) return figure(c.title, "", "<p class=\"empty\">None.</p>");
  std::size_t longest = 0;
  double hi = 0;
  for (const auto& b : c.bars) {
    longest = std::max(longest, b.label.size());
    hi = std::max(hi, b.value);
  }
  const double label_w = 12 + kCharWidth * static_cast<double>(longest), row = 22, value_w = 90;
  const double plot_w = c.width - label_w - value_w;
  const double height = row * static_cast<double>(c.bars.size()) + 8;
  std::string svg = "<svg class=\"chart bars\" viewBox=\"0 0 " + std::to_string(c.width) + " " + num(height) +
                    "\" role=\"img\" aria-label=\"" + escape(c.title) + "\">";
  double y = 4;
  for (const auto& b : c.bars) {
    const double w = hi > 0 ? std::max(1.0, b.value / hi * plot_w) : 1.0;
    const std::string value = c.format ? c.format(b.value) : num(b.value);
    svg += "<text class=\"tick\" x=\"" + num(label_w - 8) + "\" y=\"" + num(y + 15) + "\" text-anchor=\"end\">" + escape(b.label) + "</text>";
    svg += "<rect class=\"bar " + b.kind + "\" x=\"" + num(label_w) + "\" y=\"" + num(y + 3) + "\" width=\"" + num(w) +
           "\" height=\"" + num(row - 6) + "\"><title>" + escape(b.label + ": " + value) + "</title></rect>";
    svg += "<text class=\"tick\" x=\"" + num(label_w + w + 6) + "\" y=\"" + num(y + 15) + "\">" + escape(value) + "</text>";
    y += row;
  }
  return figure(c.title, "", svg + "</svg>");
}

void downsample(std::vector<double>& x, std::vector<double>& y, std::size_t buckets) {
  const std::size_t n = std::min(x.size(), y.size());
  if (buckets == 0 || n <= 2 * buckets + 2) return;
  std::vector<double> ox{x[0]}, oy{y[0]};
  const double per = static_cast<double>(n - 2) / static_cast<double>(buckets);
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::size_t from = 1 + static_cast<std::size_t>(per * static_cast<double>(b));
    const std::size_t to = std::min(n - 1, 1 + static_cast<std::size_t>(per * static_cast<double>(b + 1)));
    std::size_t lo = from, hi = from;
    bool gap = false;
    for (std::size_t i = from; i < to; ++i) {
      if (!std::isfinite(y[i])) {
        gap = true;
        continue;
      }
      if (!std::isfinite(y[lo]) || y[i] < y[lo]) lo = i;
      if (!std::isfinite(y[hi]) || y[i] > y[hi]) hi = i;
    }
    if (gap) ox.push_back(x[from]), oy.push_back(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
      if (i < to && std::isfinite(y[i]) && (ox.back() != x[i])) ox.push_back(x[i]), oy.push_back(y[i]);
    }
  }
  ox.push_back(x[n - 1]);
  oy.push_back(y[n - 1]);
  x = std::move(ox);
  y = std::move(oy);
}

std::vector<double> time_ticks(double seconds) {
  static const double steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  double step = steps[std::size(steps) - 1];
  for (double s : steps) {
    if (seconds / s <= 8) {
      step = s;
      break;
    }
  }
  std::vector<double> out;
  for (double t = 0; t <= seconds + 1e-9; t += step) out.push_back(t);
  return out;
}

std::string format_elapsed(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

}  // namespace perfval::report::html
