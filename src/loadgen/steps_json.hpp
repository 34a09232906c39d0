// Private to the summary reader and writer: the `steps`, `capacity_found` and `knee` members of summary.json.
#pragma once

#include <nlohmann/json.hpp>

#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen::detail {

// Adds steps, capacity_found and knee to `doc` when the run has steps.
void add_steps_json(nlohmann::json& doc, const RunSummary& s);
// Reads them back (absent: none); throws perfval::Error naming `file` and the field for malformed members.
void read_steps_json(const nlohmann::json& doc, const std::string& file, RunSummary& s);

}  // namespace perfval::loadgen::detail
