// Reporters for `perfval regress` results: strategy classes chosen by name (console, markdown, json, junit, slack, html).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "perfval/regression/gate.hpp"

namespace perfval::report {

class RegressReporter {
 public:
  virtual ~RegressReporter() = default;
  virtual std::string name() const = 0;
  // The whole document (table, Markdown, JSON, XML or Slack payload) as text.
  virtual std::string render(const regression::RegressionReport& report) const = 0;
};

// A link shown in reports that have room for one (Slack fields), e.g. {"CI job", "https://ci/jobs/1"}.
struct ReportLink {
  std::string text;  // label
  std::string url;   // absolute URL
};

std::unique_ptr<RegressReporter> make_console_regress_reporter();
std::unique_ptr<RegressReporter> make_markdown_regress_reporter();
std::unique_ptr<RegressReporter> make_json_regress_reporter();
std::unique_ptr<RegressReporter> make_junit_regress_reporter();
std::unique_ptr<RegressReporter> make_slack_regress_reporter(std::vector<ReportLink> links = {});
std::unique_ptr<RegressReporter> make_html_regress_reporter();  // self-contained HTML (docs/reports.md)

// The formats accepted by make_regress_reporter, in help order.
std::vector<std::string> regress_formats();
// Throws perfval::Error (exit 2) naming the unknown format, with a did-you-mean suggestion.
std::unique_ptr<RegressReporter> make_regress_reporter(const std::string& format, std::vector<ReportLink> links = {});

}  // namespace perfval::report
