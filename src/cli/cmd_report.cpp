// `perfval report RESULT.json... -o FILE.html`: a self-contained HTML report from saved results — one run or
// several overlaid, or a regress or capacity document (docs/reports.md).
#include <cstdio>

#include "command.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/report/html.hpp"

namespace perfval::cli {

namespace {
int report_cmd(const std::vector<std::string>& args) {
  ArgParser p("report",
              "RESULT.json... -o FILE.html\n"
              "RESULT is a summary.json (several are overlaid: this week and last week, the segments of a run),\n"
              "or one perfval regress / perfval capacity analyze JSON document. See docs/reports.md.\n"
              "Exit codes: 0 written, 2 bad input (unreadable, truncated, unknown schema).");
  p.option("o", "FILE", "write the HTML here (atomically)").option("out", "FILE", "same as -o");
  std::vector<std::string> normalized;
  for (const auto& a : args) normalized.push_back(a == "-o" ? "--o" : a);
  const ParsedArgs a = p.parse(normalized);
  if (a.help) {
    std::printf("%s", p.help().c_str());
    return exit_code::ok;
  }
  if (a.positionals.empty()) throw Error("perfval report: give the result files to render\n" + p.help());
  const auto out = a.has("o") ? a.get("o") : a.get("out");
  if (!out) throw Error("perfval report: -o FILE.html is required");
  std::vector<report::HtmlSource> sources;
  for (const auto& f : a.positionals) sources.push_back(report::read_result_document(f));
  const std::string html = report::render_html(sources);
  write_file_atomic(*out, html);
  std::printf("report written to %s (%zu KB)\n", out->c_str(), (html.size() + 1023) / 1024);
  return exit_code::ok;
}

const CommandRegistration reg{"report", "render results (summary, regress, capacity JSON) as a self-contained HTML report",
                              &report_cmd};
}  // namespace

}  // namespace perfval::cli
