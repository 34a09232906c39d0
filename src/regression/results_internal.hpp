// Shared pieces of the result readers (not public: keeps nlohmann/json out of the module's headers).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "perfval/regression/results.hpp"

namespace perfval::regression::detail {

void read_benchmark_json(const nlohmann::json& doc, const std::string& file, RunResults& into);
void read_summary_json(const nlohmann::json& doc, const std::string& file, RunResults& into);

// Go benchmark text: true when a line starts with "Benchmark" and has more fields, or a goos/goarch/pkg
// configuration line appears (among the first 200 lines).
bool looks_like_go_bench(const std::string& text);
// Throws Error("file:line:1: malformed Go benchmark line: ...") for a result line that does not parse.
void read_go_bench_text(const std::string& text, const std::string& file, RunResults& into);

// Throws Error("file: field: message").
[[noreturn]] void fail_field(const std::string& file, const std::string& field, const std::string& message);

// The number at doc[key] (nullopt when absent or null); throws naming `field` when it is not a number.
std::optional<double> number_at(const nlohmann::json& obj, const char* key, const std::string& file,
                                const std::string& field);

}  // namespace perfval::regression::detail
