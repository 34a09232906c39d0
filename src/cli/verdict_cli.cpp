// The shared verdict options of `perfval regress` and `perfval compare`, and how their reports are emitted.
#include "verdict_cli.hpp"

#include <cstdio>
#include <iostream>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/regression/format.hpp"

namespace perfval::cli {

void add_verdict_options(ArgParser& p, const VerdictOptions& defaults, const std::string& alpha_meaning) {
  using regression::format_number;
  p.option("threshold", "PCT", "change that counts (default " + format_number(defaults.threshold_pct) + ")")
      .option("alpha", "A", alpha_meaning + " (default " + format_number(defaults.alpha) + ")")
      .option("inconclusive", "pass|fail", "what an inconclusive metric does to the gate (default pass)")
      .option("format", "NAME", "console (default), markdown, json, junit, slack or html")
      .option("report", "FILE", "write the report in --format to FILE (atomically); the console table still prints");
}

VerdictOptions verdict_options(const ParsedArgs& a, const VerdictOptions& defaults) {
  VerdictOptions o = defaults;
  if (auto t = a.get("threshold")) o.threshold_pct = parse_number_arg("--threshold", *t);
  if (o.threshold_pct < 0) throw Error("--threshold: must not be negative");
  if (auto al = a.get("alpha")) o.alpha = parse_number_arg("--alpha", *al);
  if (o.alpha <= 0 || o.alpha >= 1)
    throw Error("--alpha: must be between 0 and 1, e.g. " + regression::format_number(defaults.alpha));
  if (auto i = a.get("inconclusive")) {
    if (*i != "pass" && *i != "fail") throw Error("--inconclusive: expected pass or fail, got \"" + *i + "\"");
    o.inconclusive_fails = *i == "fail";
  }
  return o;
}

void emit_report(const regression::RegressionReport& report, const report::RegressReporter& reporter,
                 const ParsedArgs& a) {
  const bool console = reporter.name() == "console";
  if (auto file = a.get("report")) {
    write_file_atomic(*file, reporter.render(report));
    std::cout << report::make_console_regress_reporter()->render(report) << "report written to " << *file << "\n";
  } else {
    std::cout << reporter.render(report);
    const std::string warning = report.inconclusive_warning();
    if (!console && !warning.empty()) std::fprintf(stderr, "perfval: %s\n", warning.c_str());
  }
  std::cout.flush();
}

}  // namespace perfval::cli
