// The four benchmark categories: names, what each covers, and parsing a user's --category list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perfval::bench {

struct Category {
  std::string name;     // "memory", "cpu", "network", "scalability": the first part of every benchmark name
  std::string summary;  // one line for help text and the console table heading
};

// In the order the suite runs and the console table lists them.
const std::vector<Category>& categories();

// "memory", "cpu,network" or "all"; repeated --category values are joined by the caller with ','.
// Throws Error (exit code 2) naming --category and suggesting the closest name for a typo.
std::vector<std::string> parse_categories(std::string_view text);

// "memory" for "memory/allocation/mixed"; the text before the first '/', or the whole name without one.
std::string category_of(std::string_view benchmark_name);

// "^(memory|cpu)/": the Google Benchmark filter that selects exactly these categories.
std::string category_filter(const std::vector<std::string>& names);

}  // namespace perfval::bench
