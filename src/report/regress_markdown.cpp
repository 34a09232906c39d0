// Markdown reporter for `perfval regress`, sized for a pull-request comment: verdict, regressions, full table.
#include <cmath>

#include "perfval/regression/format.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {

namespace {

using regression::MetricResult;
using regression::RegressionReport;
using regression::Verdict;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::string badge(Verdict v) {
  switch (v) {
    case Verdict::unchanged: return "✅ unchanged";
    case Verdict::improved: return "🚀 improved";
    case Verdict::regressed: return "❌ **regressed**";
    case Verdict::inconclusive: return "❔ inconclusive";
    case Verdict::sla_breach: return "🚨 **SLA breach**";
    case Verdict::missing_data: return "⚠️ missing data";
  }
  return "";
}

std::string table(const RegressionReport& r) {
  using regression::format_change;
  using regression::format_value;
  std::string out = "| Metric | Baseline | Previous | Current | Δ baseline | Δ previous | noise | p | SLA | Verdict |\n"
                    "|:--|--:|--:|--:|--:|--:|--:|--:|--:|:--|\n";
  for (const MetricResult& m : r.metrics) {
    out += "| " + escape(m.name) + " | " + format_value(m.baseline, m.unit) + " | " + format_value(m.previous, m.unit) +
           " | " + format_value(m.current, m.unit) + " | " + format_change(m.change_vs_baseline_pct) + " | " +
           format_change(m.change_vs_previous_pct) + " | " +
           (m.noise_pct ? "±" + regression::format_number(std::round(*m.noise_pct * 10) / 10) + "%" : "-") + " | " +
           regression::format_p_value(m.p_value) + " | " +
           (m.sla_limit ? escape(m.sla_op) + " " + format_value(m.sla_limit, m.unit) : "-") + " | " +
           badge(m.verdict) + " |\n";
  }
  return out;
}

std::string failures(const RegressionReport& r) {
  std::string out;
  for (const MetricResult& m : r.metrics)
    if (r.row_fails(m)) out += "- **" + escape(m.name) + "**: " + escape(m.reason) + "\n";
  return out.empty() ? "" : "#### Regressions and SLA breaches\n\n" + out + "\n";
}

std::string details(const RegressionReport& r) {
  std::string out;
  for (const MetricResult& m : r.metrics)
    if (!r.row_fails(m) && (m.verdict != Verdict::unchanged || !m.change_points.empty() || m.drift || m.other_testbed ||
                            m.baseline_loaded_machine))
      out += "- " + escape(m.name) + ": " + escape(m.reason) + "\n";
  for (const auto& n : r.notes) out += "- note: " + escape(n) + "\n";
  return out.empty() ? "" : "<details><summary>Details</summary>\n\n" + out + "\n</details>\n";
}

class MarkdownReporter : public RegressReporter {
 public:
  std::string name() const override { return "markdown"; }
  std::string render(const RegressionReport& r) const override {
    const std::string icon = r.stopped_code || r.gate_failed() ? "❌" : r.nothing_judged() ? "⚠️" : "✅";
    std::string out = "### " + icon + " " + r.title + " — " + escape(r.headline()) + "\n\n";
    out += "Current **" + escape(r.current) + "**" + (r.previous.empty() ? "" : " vs previous **" + escape(r.previous) + "**") +
           (r.baseline_file.empty() ? "" : ", baselines `" + r.baseline_file + "`") +
           (r.sla_tier ? ", SLA tier **" + regression::to_string(*r.sla_tier) + "**" : "") +
           ". Threshold " + regression::format_number(r.threshold_pct) + "%, alpha " +
           regression::format_number(r.alpha) + ".\n\n";
    if (const std::string w = r.inconclusive_warning(); !w.empty()) out += "> " + escape(w) + "\n\n";
    if (const std::string s = r.sensitivity_line(); !s.empty()) out += escape(s) + "\n\n";
    return out + failures(r) + table(r) + "\n" + details(r);
  }
};

}  // namespace

std::unique_ptr<RegressReporter> make_markdown_regress_reporter() { return std::make_unique<MarkdownReporter>(); }

}  // namespace perfval::report
