// SVG charts perfval writes into its HTML reports: line charts (series, shaded bands, reference lines,
// markers) and horizontal bar charts. Colours are CSS classes, so one chart follows the page's light, dark
// and print schemes; no script and no external resource is needed to draw them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perfval::report::html {

using Formatter = std::function<std::string(double)>;

enum class Scale {
  linear,
  tail,  // percentiles q in [0, 100): drawn at -log10(1 - q/100), so 90, 99, 99.9 are equally spaced
};

struct Axis {
  std::string label;               // what and in which unit, e.g. "latency (ms)"
  Formatter format;                // tick label text for a value in data units
  Scale scale = Scale::linear;
  std::optional<double> min, max;  // fixed range in data units; otherwise the data's (and 0, see below)
  bool include_zero = true;        // the range starts at 0 when the data are all positive
  std::vector<double> ticks;       // tick positions in data units; empty: 1-2-5 steps
};

// A series drawn as a line; a NaN y leaves a gap.
struct Line {
  std::string name;            // legend text
  std::vector<double> x, y;    // data units
  int color = 0;               // palette index (CSS classes s0..s7)
  bool dashed = false;
  bool dots = false;           // a dot at every point (short series such as one value per run)
};

// A shaded area between lo and hi (a forecast interval, a tolerance band).
struct Band {
  std::string name;            // legend text; "" keeps it out of the legend
  std::vector<double> x, lo, hi;  // data units, x increasing
  int color = 0;               // palette index
  bool light = false;          // a lighter shade, for the wider of two nested bands
};

// A labelled line across the plot at one value: a threshold or limit (horizontal), an event (vertical).
struct Rule {
  double at = 0;               // data units of the axis it crosses
  std::string label;           // drawn beside the line
  std::string kind = "limit";  // CSS class: limit (red), warn (amber), info (grey), good (green)
  bool vertical = false;
  bool in_range = false;       // widen the axis so the line is always drawn (else a far line is noted at the edge)
};

// A point with a tooltip, e.g. the current run or the day a forecast crosses its limit.
struct Marker {
  double x = 0, y = 0;         // data units
  std::string label;           // tooltip (and text when show_label)
  std::string kind = "info";   // CSS class, as for Rule
  bool show_label = false;
};

struct LineChart {
  std::string title;           // figure caption
  std::string note;            // one line under the caption (what to look for), may be empty
  Axis x, y;
  std::vector<Line> lines;
  std::vector<Band> bands;
  std::vector<Rule> rules;
  std::vector<Marker> markers;
  int width = 760, height = 260;  // SVG user units (CSS pixels at 100 %)
};

// The chart as <figure class="chart">…<svg>…</svg></figure>; an empty chart (no finite point) says so in text.
std::string render(const LineChart& chart);

struct Bar {
  std::string label;           // category, e.g. "200" or "timeout"
  double value = 0;            // data units, >= 0
  std::string kind = "info";   // CSS class of the bar
};

struct BarChart {
  std::string title;           // figure caption
  Formatter format;            // value text shown at the end of each bar
  std::vector<Bar> bars;
  int width = 520;             // SVG user units
};

std::string render(const BarChart& chart);

// Thins (x, y) to at most about 2 * buckets points: the first and last point and, per bucket of consecutive
// points, its lowest and highest y in time order, so peaks and dips survive. NaN points are kept as gaps.
void downsample(std::vector<double>& x, std::vector<double>& y, std::size_t buckets);

// Tick positions for a time axis of `seconds` length: steps of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h...
std::vector<double> time_ticks(double seconds);
// "0:30", "12:00", "1:05:00": elapsed seconds as m:ss or h:mm:ss.
std::string format_elapsed(double seconds);

// Escapes & < > " ' for HTML and SVG text and attributes.
std::string escape(const std::string& text);

}  // namespace perfval::report::html
