// Reading summaries back (perfval/summary/v1) and merging the summaries of a distributed run exactly.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen {

// Rebuilds a RunSummary from its JSON (counters and histograms exactly, from `raw`). Throws perfval::Error
// naming `file` and the field for anything missing, malformed, or of another schema.
RunSummary summary_from_json(const nlohmann::json& doc, const std::string& file);
RunSummary read_summary(const std::string& path);

// Merges the summaries of the segments of one run (`perfval run --segment i/N`): counters and histograms add
// exactly, the time series add per second, thresholds are evaluated on the merged totals. Throws perfval::Error
// for summaries of different scenarios or thresholds, duplicate or missing segments, or incompatible data.
// `files` names each summary for messages.
RunSummary merge_summaries(const std::vector<RunSummary>& parts, const std::vector<std::string>& files,
                           bool allow_partial = false);

}  // namespace perfval::loadgen
