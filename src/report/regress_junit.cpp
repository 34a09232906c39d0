// JUnit XML reporter for `perfval regress`: one test case per metric so CI systems show failures natively.
#include "perfval/regression/format.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {

namespace {

using regression::MetricResult;
using regression::RegressionReport;
using regression::Verdict;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string values(const MetricResult& m) {
  using regression::format_value;
  return "baseline " + format_value(m.baseline, m.unit) + ", previous " + format_value(m.previous, m.unit) +
         ", current " + format_value(m.current, m.unit) + ", change vs baseline " +
         regression::format_change(m.change_vs_baseline_pct) + ", change vs previous " +
         regression::format_change(m.change_vs_previous_pct) + ", p " + regression::format_p_value(m.p_value);
}

std::string test_case(const MetricResult& m, const RegressionReport& r) {
  std::string out = "    <testcase classname=\"perfval.regress\" name=\"" + xml_escape(m.name) + "\" time=\"0\">\n";
  const bool failed = r.row_fails(m);
  const std::string type = regression::verdict_id(m.verdict);
  if (failed) {
    out += "      <failure type=\"" + type + "\" message=\"" + xml_escape(m.reason) + "\">" + xml_escape(values(m)) +
           "</failure>\n";
  } else if (m.verdict == Verdict::missing_data || m.verdict == Verdict::inconclusive) {
    out += "      <skipped message=\"" + xml_escape(m.reason) + "\"/>\n";
  }
  out += "      <system-out>" + xml_escape(regression::to_string(m.verdict) + ": " + m.reason + "; " + values(m)) +
         "</system-out>\n    </testcase>\n";
  return out;
}

class JunitReporter : public RegressReporter {
 public:
  std::string name() const override { return "junit"; }
  std::string render(const RegressionReport& r) const override {
    std::size_t failures = 0, skipped = 0;
    for (const auto& m : r.metrics) {
      if (r.row_fails(m)) ++failures;
      else if (m.verdict == Verdict::missing_data || m.verdict == Verdict::inconclusive) ++skipped;
    }
    // A comparison that stopped early (a failed command, interrupted) is one error of its own: CI must not show
    // the rows it did judge as a green run.
    const std::size_t errors = r.stopped_code ? 1 : 0;
    const std::string counts = "tests=\"" + std::to_string(r.metrics.size() + errors) + "\" failures=\"" +
                               std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" +
                               std::to_string(skipped) + "\"";
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"perfval regress\" " + counts + ">\n";
    out += "  <testsuite name=\"perfval regress: " + xml_escape(r.current) + "\" " + counts + ">\n";
    for (const auto& m : r.metrics) out += test_case(m, r);
    if (r.stopped_code)
      out += "    <testcase classname=\"perfval\" name=\"comparison\">\n      <error message=\"" +
             xml_escape("stopped " + r.stopped_reason) + "\"/>\n    </testcase>\n";
    out += "    <system-out>" + xml_escape(r.headline()) + "</system-out>\n  </testsuite>\n</testsuites>\n";
    return out;
  }
};

}  // namespace

std::unique_ptr<RegressReporter> make_junit_regress_reporter() { return std::make_unique<JunitReporter>(); }

}  // namespace perfval::report
