// Byte-size parsing and formatting for capacity limits and data-volume reports.
#include "perfval/common/size.hpp"

#include <cmath>
#include <cstdio>

namespace perfval {

std::optional<double> parse_bytes(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double value = 0;
  try {
    std::size_t used = 0;
    value = std::stod(std::string(text.substr(0, i)), &used);
    if (used != i) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  const std::string_view suffix = text.substr(i);
  struct S { std::string_view name; double mult; };
  static constexpr S kSuffixes[] = {
      {"", 1},        {"B", 1},      {"Ki", 1024.0},  {"Mi", 1048576.0}, {"Gi", 1073741824.0},
      {"Ti", 1099511627776.0},       {"k", 1e3},      {"K", 1e3},        {"M", 1e6},
      {"G", 1e9},     {"T", 1e12},   {"kB", 1e3},     {"KB", 1e3},       {"MB", 1e6},
      {"GB", 1e9},    {"TB", 1e12},  {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}};
  for (const auto& s : kSuffixes) {
    if (suffix == s.name) return value * s.mult;
  }
  return std::nullopt;
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "Ki", "Mi", "Gi", "Ti"};
  int unit = 0;
  double v = bytes;
  // Compare the value as it will be printed, so 1048575 bytes reads "1Mi" rather than "1024Ki".
  while (std::fabs(v) >= 1023.95 && unit < 4) { v /= 1024.0; ++unit; }
  char buf[48];
  if (unit == 0 || std::fabs(v - std::round(v)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f%s", v, kUnits[unit]);
  else std::snprintf(buf, sizeof buf, "%.1f%s", v, kUnits[unit]);
  return buf;
}

}  // namespace perfval
