// Choosing a regress reporter by name.
#include "perfval/report/regress_reporter.hpp"

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval::report {

std::vector<std::string> regress_formats() { return {"console", "markdown", "json", "junit", "slack", "html"}; }

std::unique_ptr<RegressReporter> make_regress_reporter(const std::string& format, std::vector<ReportLink> links) {
  if (format == "console") return make_console_regress_reporter();
  if (format == "markdown" || format == "md") return make_markdown_regress_reporter();
  if (format == "json") return make_json_regress_reporter();
  if (format == "junit") return make_junit_regress_reporter();
  if (format == "slack") return make_slack_regress_reporter(std::move(links));
  if (format == "html") return make_html_regress_reporter();
  throw Error("--format: unknown report format \"" + format + "\"" + did_you_mean_suffix(format, regress_formats()) +
              " (expected console, markdown, json, junit, slack or html)");
}

}  // namespace perfval::report
