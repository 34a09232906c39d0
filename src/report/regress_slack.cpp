// Slack reporter for `perfval regress`: a Block Kit message with the verdict, a table of regressions and links.
#include <nlohmann/json.hpp>

#include "perfval/regression/format.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {

namespace {

using nlohmann::json;
using regression::MetricResult;
using regression::RegressionReport;
using regression::Verdict;

constexpr std::size_t max_table_rows = 15;      // keeps the section under Slack's 3,000-character limit
constexpr std::size_t max_cell = 40;            // characters per name cell

json mrkdwn(const std::string& text) { return {{"type", "mrkdwn"}, {"text", text}}; }

std::string cut(const std::string& s, std::size_t n) { return s.size() <= n ? s : s.substr(0, n - 1) + "…"; }

std::string regressions_table(const RegressionReport& r) {
  std::string rows;
  std::size_t shown = 0, total = 0;
  for (const MetricResult& m : r.metrics) {
    if (m.verdict != Verdict::regressed && m.verdict != Verdict::sla_breach) continue;
    if (++total > max_table_rows) continue;
    ++shown;
    const auto change = m.change_vs_previous_pct ? m.change_vs_previous_pct : m.change_vs_baseline_pct;
    rows += cut(m.name, max_cell) + "  " + regression::format_value(m.current, m.unit) + "  " +
            regression::format_change(change) + "  p=" + regression::format_p_value(m.p_value) + "  " +
            regression::to_string(m.verdict) + "\n";
  }
  if (total == 0) return "";
  if (total > shown) rows += "… and " + std::to_string(total - shown) + " more\n";
  return "*Regressions and SLA breaches*\n```" + rows + "```";
}

class SlackReporter : public RegressReporter {
 public:
  explicit SlackReporter(std::vector<ReportLink> links) : links_(std::move(links)) {}
  std::string name() const override { return "slack"; }
  std::string render(const RegressionReport& r) const override {
    const std::string icon = r.stopped_code || r.gate_failed() ? ":x:" : r.nothing_judged() ? ":warning:" : ":white_check_mark:";
    json blocks = json::array();
    blocks.push_back({{"type", "header"},
                      {"text", {{"type", "plain_text"}, {"text", cut("perfval regress: " + r.headline(), 150)}, {"emoji", true}}}});
    json fields = json::array({mrkdwn("*Current*\n" + r.current), mrkdwn("*Previous*\n" + (r.previous.empty() ? "-" : r.previous)),
                               mrkdwn("*Baselines*\n" + (r.baseline_file.empty() ? "-" : r.baseline_file)),
                               mrkdwn("*SLA tier*\n" + (r.sla_tier ? regression::to_string(*r.sla_tier) : "not checked"))});
    blocks.push_back({{"type", "section"}, {"text", mrkdwn(icon + " *" + r.headline() + "*")}, {"fields", fields}});
    if (const std::string table = regressions_table(r); !table.empty())
      blocks.push_back({{"type", "section"}, {"text", mrkdwn(table)}});
    if (!links_.empty()) {
      json link_fields = json::array();
      for (std::size_t i = 0; i < links_.size() && i < 10; ++i)
        link_fields.push_back(mrkdwn("<" + links_[i].url + "|" + links_[i].text + ">"));
      blocks.push_back({{"type", "section"}, {"fields", link_fields}});
    }
    blocks.push_back({{"type", "context"},
                      {"elements", json::array({mrkdwn(
                           "threshold " + regression::format_number(r.threshold_pct) + "%, alpha " +
                           regression::format_number(r.alpha) + " · " + std::to_string(r.count(Verdict::unchanged)) + " unchanged · " +
                           std::to_string(r.count(Verdict::improved)) + " improved · " +
                           std::to_string(r.count(Verdict::inconclusive)) + " inconclusive · " +
                           std::to_string(r.count(Verdict::missing_data)) + " missing")})}});
    const json payload{{"text", "perfval regress: " + r.headline()}, {"blocks", blocks}};
    return payload.dump() + "\n";
  }

 private:
  std::vector<ReportLink> links_;
};

}  // namespace

std::unique_ptr<RegressReporter> make_slack_regress_reporter(std::vector<ReportLink> links) {
  return std::make_unique<SlackReporter>(std::move(links));
}

}  // namespace perfval::report
