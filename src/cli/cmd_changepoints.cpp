// `perfval changepoints`: the change-point detector of `perfval regress --history`, on any series in a file.
#include <cstdio>

#include "command.hpp"
#include "perfval/capacity/series.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "perfval/report/changepoints_report.hpp"

namespace perfval::cli {

namespace {

ArgParser changepoints_parser() {
  ArgParser p("changepoints",
              "--data FILE [--column NAME]... [--format console|json] [--out FILE]\n"
              "Finds the change points and steady drifts of each column of a CSV or JSON file (the format of\n"
              "`perfval capacity analyze --data`: a timestamp column, one column per series), with the detector\n"
              "and defaults `perfval regress --history` uses. Exit codes: 0 analysed, 2 bad input.\n"
              "See docs/regression.md.");
  p.option("data", "FILE", "CSV or JSON file: timestamp + one column per series")
      .option("column", "NAME", "analyse only this column (repeatable; default: every column)")
      .option("format", "NAME", "console (default) or json")
      .option("out", "FILE", "write the report here (atomically) instead of stdout")
      .option("max-p", "P", "a change point needs a p-value below this (default 0.001)")
      .option("min-change", "PCT", "smallest change that counts, percent (default 5)")
      .option("min-segment", "N", "fewest points on either side of a change point (default 5)")
      .option("window", "N", "points per window of the first pass (default 50)")
      .flag("single-pass", "accept candidates at --max-p directly (no weak first pass)")
      .flag("no-drift-test", "do not tell a steady drift from a step (plain t-test of the two sides)");
  return p;
}

regression::ChangePointOptions detector_options(const ParsedArgs& a) {
  regression::ChangePointOptions o;
  if (auto v = a.get("max-p")) o.max_p_value = parse_number_arg("--max-p", *v);
  if (o.max_p_value <= 0 || o.max_p_value >= 1) throw Error("--max-p: must be between 0 and 1, e.g. 0.001");
  if (auto v = a.get("min-change")) o.min_magnitude_pct = parse_number_arg("--min-change", *v);
  if (o.min_magnitude_pct < 0) throw Error("--min-change: must not be negative");
  if (auto v = a.get("min-segment")) {
    const long long n = parse_int_arg("--min-segment", *v);
    if (n < 1) throw Error("--min-segment: must be at least 1");
    o.min_segment = static_cast<std::size_t>(n);
  }
  if (auto v = a.get("window")) {
    const long long n = parse_int_arg("--window", *v);
    if (n < 2) throw Error("--window: must be at least 2");
    o.window = static_cast<std::size_t>(n);
  }
  if (a.has("single-pass")) o.weak_p_factor = 1;
  o.separate_drift = !a.has("no-drift-test");
  return o;
}

report::SeriesChangePoints analyse_column(const capacity::DataTable& table, const std::string& column,
                                          const regression::ChangePointOptions& o) {
  const auto series = capacity::column_series(table, column, column);
  if (!series)
    throw Error(table.file + ": no column \"" + column + "\"" + did_you_mean_suffix(column, table.columns));
  if (!series->error.empty()) throw Error(series->error);
  report::SeriesChangePoints s{column, {}, series->v, regression::analyze_change_points(series->v, o)};
  for (double t : series->t) s.times.push_back(capacity::format_timestamp(t));
  return s;
}

int run_changepoints(const std::vector<std::string>& args) {
  const ArgParser parser = changepoints_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (!a.positionals.empty()) throw Error("perfval changepoints: unexpected argument \"" + a.positionals[0] + "\"");
  const auto data = a.get("data");
  if (!data) throw Error("perfval changepoints: --data FILE is required");
  const std::string format = a.get_or("format", "console");
  if (format != "console" && format != "json")
    throw Error("--format: unknown format \"" + format + "\"" + did_you_mean_suffix(format, {"console", "json"}) +
                "; expected console or json");
  report::ChangePointsReport r{*data, detector_options(a), {}};
  const capacity::DataTable table = capacity::load_data_file(*data);
  const std::vector<std::string> columns = a.all("column").empty() ? table.columns : a.all("column");
  if (columns.empty()) throw Error(*data + ": no series: the file has only a timestamp column");
  for (const auto& c : columns) r.series.push_back(analyse_column(table, c, r.options));
  const std::string text = format == "json" ? report::render_changepoints_json(r) : report::render_changepoints_console(r);
  if (auto out = a.get("out")) write_file_atomic(*out, text);
  else std::fwrite(text.data(), 1, text.size(), stdout);
  return exit_code::ok;
}

const CommandRegistration reg{"changepoints", "change points and drifts of the series in a CSV or JSON file",
                              &run_changepoints};

}  // namespace

}  // namespace perfval::cli
