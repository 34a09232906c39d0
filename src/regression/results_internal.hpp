// Shared pieces of the result readers (not public: keeps nlohmann/json out of the module's headers).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "perfval/regression/results.hpp"

namespace perfval::regression::detail {

void read_benchmark_json(const nlohmann::json& doc, const std::string& file, RunResults& into);
void read_summary_json(const nlohmann::json& doc, const std::string& file, RunResults& into);

// Throws Error("file: field: message").
[[noreturn]] void fail_field(const std::string& file, const std::string& field, const std::string& message);

// The number at doc[key] (nullopt when absent or null); throws naming `field` when it is not a number.
std::optional<double> number_at(const nlohmann::json& obj, const char* key, const std::string& file,
                                const std::string& field);

}  // namespace perfval::regression::detail
