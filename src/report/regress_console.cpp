// Console reporter for `perfval regress`: an aligned table, then the reasons for every row that is not ok.
#include <algorithm>
#include <cmath>

#include "perfval/regression/format.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {

namespace {

using regression::MetricResult;
using regression::RegressionReport;
using regression::Verdict;

// Display width: UTF-8 continuation bytes take no column.
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80 ? 1 : 0;
  return w;
}

std::vector<std::string> cells(const MetricResult& m) {
  using regression::format_change;
  using regression::format_value;
  return {m.name,
          format_value(m.baseline, m.unit),
          format_value(m.previous, m.unit),
          format_value(m.current, m.unit),
          format_change(m.change_vs_baseline_pct),
          format_change(m.change_vs_previous_pct),
          m.noise_pct ? "±" + regression::format_number(std::round(*m.noise_pct * 10) / 10) + "%" : "-",
          regression::format_p_value(m.p_value),
          m.sla_limit ? m.sla_op + " " + format_value(m.sla_limit, m.unit) : "-",
          regression::to_string(m.verdict)};
}

std::string table(const RegressionReport& r) {
  std::vector<std::vector<std::string>> rows{
      {"metric", "baseline", "previous", "current", "vs base", "vs prev", "noise", "p", "SLA", "verdict"}};
  for (const auto& m : r.metrics) rows.push_back(cells(m));
  std::vector<std::size_t> w(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], width(row[i]));
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(w[i] - width(row[i]), ' ');
      line += i == 0 ? row[i] + pad : "  " + pad + row[i];  // first column left-aligned, numbers right-aligned
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

class ConsoleReporter : public RegressReporter {
 public:
  std::string name() const override { return "console"; }
  std::string render(const RegressionReport& r) const override {
    std::string out = r.title + ": " + r.current + (r.previous.empty() ? "" : " vs " + r.previous) +
                      (r.baseline_file.empty() ? "" : ", baselines " + r.baseline_file) + "\n";
    if (!r.history.empty()) out += "history: " + std::to_string(r.history.size()) + " runs\n";
    if (r.current_machine.testbed.known()) out += "machine: " + r.current_machine.describe() + "\n";
    if (r.sla_tier) out += "SLA tier: " + regression::to_string(*r.sla_tier) + " (" + r.sla_tier_source + ")\n";
    out += "\n" + table(r);
    bool heading = false;
    for (const auto& m : r.metrics) {
      if (m.verdict == Verdict::unchanged && m.change_points.empty() && !m.drift && !m.other_testbed &&
          !m.baseline_loaded_machine)
        continue;  // the reason names the change points
      if (!heading) out += "\n", heading = true;
      out += "  " + m.name + ": " + m.reason + "\n";
    }
    if (!r.notes.empty()) out += "\nnotes:\n";
    for (const auto& n : r.notes) out += "  - " + n + "\n";
    const std::string warning = r.inconclusive_warning(), sensitivity = r.sensitivity_line();
    return out + "\n" + (sensitivity.empty() ? "" : sensitivity + "\n") + (warning.empty() ? "" : warning + "\n") +
           r.headline() + "\n";
  }
};

}  // namespace

std::unique_ptr<RegressReporter> make_console_regress_reporter() { return std::make_unique<ConsoleReporter>(); }

}  // namespace perfval::report
