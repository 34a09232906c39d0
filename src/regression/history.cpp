// History folders: loading runs in name order and spotting missing ISO weeks.
#include "perfval/regression/history.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "perfval/common/error.hpp"

namespace perfval::regression {

namespace fs = std::filesystem;

History load_history(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": history is not a folder (expected e.g. results/ with one folder per run)");
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() || is_results_file(e.path().string())) entries.push_back(e.path());
  if (ec) throw Error(dir + ": cannot list history folder: " + ec.message());
  std::sort(entries.begin(), entries.end());
  History h;
  for (const auto& p : entries) {
    try {
      h.runs.push_back(read_results(p.string()));
    } catch (const Error& e) {
      h.notes.push_back("history run skipped: " + std::string(e.what()));
    }
  }
  if (h.runs.empty())
    throw Error(dir + ": empty history: no readable run (expected one folder per run, e.g. " + dir +
                "/2026-W46/summary.json)" + (h.notes.empty() ? "" : "; " + h.notes.front()));
  std::vector<std::string> labels;
  for (const auto& r : h.runs) labels.push_back(r.label);
  for (auto& gap : history_gaps(labels)) h.notes.push_back(std::move(gap));
  return h;
}

std::optional<long> iso_week_ordinal(const std::string& label) {
  int year = 0, week = 0;
  char tail = 0;
  if (label.size() != 8 || std::sscanf(label.c_str(), "%4d-W%2d%c", &year, &week, &tail) != 2) return std::nullopt;
  if (week < 1 || week > 53) return std::nullopt;
  using namespace std::chrono;
  const sys_days jan4{std::chrono::year{year} / January / 4};
  const sys_days week1_monday = jan4 - days{(weekday{jan4}.iso_encoding() - 1)};
  const sys_days monday = week1_monday + days{7 * (week - 1)};
  return static_cast<long>(monday.time_since_epoch().count() / 7);
}

std::vector<std::string> history_gaps(const std::vector<std::string>& labels) {
  std::vector<std::string> gaps;
  for (std::size_t i = 1; i < labels.size(); ++i) {
    const auto a = iso_week_ordinal(labels[i - 1]), b = iso_week_ordinal(labels[i]);
    if (!a || !b || *b - *a <= 1) continue;
    const long missing = *b - *a - 1;
    gaps.push_back("history gap: " + std::to_string(missing) + (missing == 1 ? " week" : " weeks") +
                   " without a run between " + labels[i - 1] + " and " + labels[i]);
  }
  return gaps;
}

}  // namespace perfval::regression
