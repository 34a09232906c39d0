// Reading a perfval run's summary.json (perfval/summary/v1) for capacity's --measured and --run-summary.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace perfval::capacity {

// The parsed document at `path`, an object whose schema is perfval/summary/v1; else Error naming the file, what
// is wrong and then `expects` (what the option takes, e.g. "(a summary.json written by perfval run)").
nlohmann::json read_run_summary(const std::string& path, const std::string& expects);

}  // namespace perfval::capacity
