// What `perfval regress` and `perfval compare` share on the command line: the verdict options (threshold,
// alpha, --inconclusive, format, report) and printing or writing the report.
#pragma once

#include <string>

#include "perfval/common/args.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::cli {

struct VerdictOptions {
  double threshold_pct = 10;        // change that counts, percent
  double alpha = 0.001;             // significance level per metric
  bool inconclusive_fails = false;  // --inconclusive fail
};

// Adds --threshold, --alpha, --inconclusive, --format and --report, with the defaults named in the help.
void add_verdict_options(ArgParser& p, const VerdictOptions& defaults, const std::string& alpha_meaning);

// The options given, else `defaults`; throws Error naming the option on a bad value.
VerdictOptions verdict_options(const ParsedArgs& a, const VerdictOptions& defaults);

// Prints the report in --format on stdout, or writes it to --report FILE (atomically) and prints the console
// table; an inconclusive warning also goes to stderr when the report itself is not the console table.
void emit_report(const regression::RegressionReport& report, const report::RegressReporter& reporter,
                 const ParsedArgs& a);

}  // namespace perfval::cli
