// The category table and --category parsing.
#include "perfval/bench/categories.hpp"

#include <algorithm>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval::bench {

const std::vector<Category>& categories() {
  static const std::vector<Category> table{
      {"memory", "allocation, JSON (de)serialization, reclaim pauses, shared vs per-thread data"},
      {"cpu", "Prometheus text render/parse, regex, registry collection, JSON parsing"},
      {"network", "API latency, HTTP throughput, keep-alive vs new connections, 1-64 in flight (knee); any --target"},
      {"scalability", "large clusters, high cardinality, concurrent scrapers, memory while serving"},
  };
  return table;
}

std::vector<std::string> parse_categories(std::string_view text) {
  std::vector<std::string> known;
  for (const auto& c : categories()) known.push_back(c.name);
  std::vector<std::string> chosen;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string name(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (name == "all") return known;
    if (name.empty()) throw Error("--category: empty category name in \"" + std::string(text) + "\"");
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw Error("--category: unknown category \"" + name + "\"" + did_you_mean_suffix(name, known) +
                  "; choose from memory, cpu, network, scalability or all");
    }
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
  }
  // Keep the suite's order whatever order the user wrote.
  std::vector<std::string> ordered;
  for (const auto& k : known)
    if (std::find(chosen.begin(), chosen.end(), k) != chosen.end()) ordered.push_back(k);
  return ordered;
}

std::string category_of(std::string_view benchmark_name) {
  return std::string(benchmark_name.substr(0, benchmark_name.find('/')));
}

std::string category_filter(const std::vector<std::string>& names) {
  std::string alternatives;
  for (const auto& n : names) alternatives += (alternatives.empty() ? "" : "|") + n;
  return "^(" + alternatives + ")/";
}

}  // namespace perfval::bench
