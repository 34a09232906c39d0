// Renders a capacity report as JSON (schema perfval/capacity/v1), Markdown or console text.
#pragma once

#include <string>

#include "perfval/capacity/analysis.hpp"

namespace perfval::capacity {

std::string to_json(const CapacityReport& report);      // pretty-printed, ends with a newline
std::string to_markdown(const CapacityReport& report);
std::string to_console(const CapacityReport& report);
// format: "console", "json" or "markdown"; throws perfval::Error (with did-you-mean) otherwise.
std::string render(const CapacityReport& report, const std::string& format);

}  // namespace perfval::capacity
