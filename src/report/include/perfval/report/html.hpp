// Self-contained HTML reports (docs/reports.md): one file with inline SVG charts and no script or network
// request, rendered from the JSON documents perfval writes (perfval/summary/v1, perfval/regress/v1,
// perfval/capacity/v1), so a report can be made again from any saved result.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace perfval::report {

// A result document and the file it came from (named in messages and in the report).
struct HtmlSource {
  std::string file;      // path as given, or what the command wrote (e.g. results/run/summary.json)
  nlohmann::json doc;    // the parsed document
};

// Reads and parses a result document. Throws perfval::Error (exit 2) naming the file when it cannot be read,
// is truncated or is not JSON.
HtmlSource read_result_document(const std::string& path);

// The document's schema, one of the three above. Throws perfval::Error (exit 2) naming the file for a missing
// schema or one this perfval does not read (e.g. perfval/summary/v2).
std::string result_schema(const HtmlSource& source);

// One run, or several overlaid (this week and last week; the segments of a merged run): every source must be
// a perfval/summary/v1. Throws perfval::Error naming the file for a document that lacks what a report needs.
std::string render_run_html(const std::vector<HtmlSource>& runs);
// `perfval regress --format html`: the verdict table and a trend chart per metric.
std::string render_regress_html(const HtmlSource& source);
// `perfval capacity analyze --format html`: per metric the history, forecast, bands, limits; recommendations.
std::string render_capacity_html(const HtmlSource& source);

// The report for whatever the documents are: several summaries, or exactly one regress or capacity document.
std::string render_html(const std::vector<HtmlSource>& sources);

}  // namespace perfval::report
