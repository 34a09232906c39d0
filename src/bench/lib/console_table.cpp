// Console summary: medians and spread per benchmark, a headline counter chosen by a fixed preference list.
#include "perfval/bench/console_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "perfval/bench/categories.hpp"

namespace perfval::bench {
namespace {

struct Headline {
  const char* counter;  // counter name in the JSON
  const char* label;    // prefix in the table
  const char* unit;     // suffix in the table
};

// The first counter present wins; rates come after the figures the baselines track.
constexpr std::array<Headline, 12> kHeadlines{{
    {"allocations_per_second", "", " allocs/s"},
    {"metrics_processed_per_second", "", " metrics/s"},
    {"api_response_time_p95", "p95 ", " ms"},
    {"gc_pause_time_p99", "p99 ", " ms"},
    {"bytes_per_series", "", " B/series"},
    {"peak_rss_bytes", "peak RSS ", "B"},
    {"requests_per_second", "", " req/s"},
    {"scrapes_per_second", "", " scrapes/s"},
    {"updates_per_second", "", " updates/s"},
    {"matches_per_second", "", " lines/s"},
    {"items_per_second", "", " items/s"},
    {"bytes_per_second", "", "B/s"},
}};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double spread_percent(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return mean > 0 ? 100.0 * sd / mean : 0.0;
}

std::string format_fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string headline(const std::map<std::string, std::vector<double>>& counters) {
  for (const auto& h : kHeadlines) {
    const auto it = counters.find(h.counter);
    if (it == counters.end()) continue;
    const double v = median(it->second);
    const bool ms = std::string_view(h.unit) == " ms";
    return std::string(h.label) + (ms ? format_fixed(v) : format_si(v)) + h.unit;
  }
  return "";
}

struct Folded {
  SummaryRow row;
  std::vector<double> times;
  std::map<std::string, std::vector<double>> counters;
};

}  // namespace

std::string format_si(double value) {
  static constexpr std::array<const char*, 5> suffix{"", "k", "M", "G", "T"};
  std::size_t i = 0;
  double v = value;
  while (std::fabs(v) >= 999.5 && i + 1 < suffix.size()) {
    v /= 1000.0;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", v, suffix[i]);
  return buf;
}

std::string format_duration_ns(double ns) {
  char buf[32];
  if (ns < 1e3) std::snprintf(buf, sizeof buf, "%.3g ns", ns);
  else if (ns < 1e6) std::snprintf(buf, sizeof buf, "%.3g us", ns / 1e3);
  else if (ns < 1e9) std::snprintf(buf, sizeof buf, "%.3g ms", ns / 1e6);
  else std::snprintf(buf, sizeof buf, "%.3g s", ns / 1e9);
  return buf;
}

std::vector<SummaryRow> summarize(const std::vector<RunRecord>& runs) {
  std::vector<Folded> folded;
  for (const auto& r : runs) {
    auto it = std::find_if(folded.begin(), folded.end(), [&](const Folded& f) { return f.row.name == r.run_name; });
    if (it == folded.end()) {
      folded.push_back({});
      it = folded.end() - 1;
      it->row.name = r.run_name;
      it->row.category = category_of(r.run_name);
    }
    if (!r.error.empty()) {
      it->row.error = r.error;
      continue;
    }
    it->times.push_back(r.real_time_ns);
    for (const auto& [k, v] : r.counters) it->counters[k].push_back(v);
  }
  std::vector<SummaryRow> rows;
  for (auto& f : folded) {
    f.row.repetitions = static_cast<int>(f.times.size());
    f.row.median_ns = median(f.times);
    f.row.spread_pct = spread_percent(f.times);
    f.row.figure = headline(f.counters);
    rows.push_back(std::move(f.row));
  }
  return rows;
}

std::string render_table(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> order;
  for (const auto& c : categories()) order.push_back(c.name);
  for (const auto& r : rows)
    if (std::find(order.begin(), order.end(), r.category) == order.end()) order.push_back(r.category);
  std::size_t width = 24;
  for (const auto& r : rows) width = std::max(width, r.name.size() - r.category.size() - 1 + 2);
  std::string out;
  char line[512];
  int failures = 0;
  for (const auto& category : order) {
    bool heading = false;
    for (const auto& r : rows) {
      if (r.category != category) continue;
      if (!heading) {
        std::snprintf(line, sizeof line, "%-*s %10s %7s  %s\n", static_cast<int>(width), (category + "/").c_str(),
                      "time", "spread", "figure");
        out += line;
        heading = true;
      }
      const std::string short_name = "  " + r.name.substr(std::min(r.name.size(), category.size() + 1));
      if (!r.error.empty()) {
        ++failures;
        std::snprintf(line, sizeof line, "%-*s ERROR: %s\n", static_cast<int>(width), short_name.c_str(),
                      r.error.c_str());
      } else {
        char spread[16];
        std::snprintf(spread, sizeof spread, "%.1f%%", r.spread_pct);
        std::snprintf(line, sizeof line, "%-*s %10s %7s  %s\n", static_cast<int>(width), short_name.c_str(),
                      format_duration_ns(r.median_ns).c_str(), r.repetitions > 1 ? spread : "", r.figure.c_str());
      }
      out += line;
    }
  }
  std::size_t controls = 0;
  for (const auto& r : rows) controls += r.name.rfind("control/", 0) == 0 ? 1 : 0;
  std::snprintf(line, sizeof line, "%zu benchmarks%s, %d failed (time: median per iteration; spread: CV across "
                "repetitions)\n", rows.size() - controls,
                controls ? (" and " + std::to_string(controls) + " controls").c_str() : "", failures);
  out += line;
  return out;
}

}  // namespace perfval::bench
