// Unit conversion and direction inference for baseline entries and measured values.
#include "perfval/regression/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

namespace perfval::regression {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

enum class Dimension { none, time, size, fraction, rate, other };

struct UnitInfo {
  Dimension dim = Dimension::none;
  double factor = 1;  // multiply a value in this unit by factor to get the dimension's base unit
};

UnitInfo unit_info(const std::string& raw) {
  const std::string u = lower(raw);
  static const std::array<std::pair<std::string_view, double>, 7> times{
      {{"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"sec", 1}, {"seconds", 1}}};
  for (const auto& [name, f] : times)
    if (u == name) return {Dimension::time, f};
  static const std::array<std::pair<std::string_view, double>, 10> sizes{
      {{"b", 1}, {"bytes", 1}, {"kib", 1024.0}, {"mib", 1048576.0}, {"gib", 1073741824.0}, {"ki", 1024.0},
       {"mi", 1048576.0}, {"gi", 1073741824.0}, {"kb", 1e3}, {"mb", 1e6}}};
  for (const auto& [name, f] : sizes)
    if (u == name) return {Dimension::size, f};
  if (u == "gb") return {Dimension::size, 1e9};
  if (u == "%" || u == "percent") return {Dimension::fraction, 0.01};
  if (u == "ratio" || u == "fraction") return {Dimension::fraction, 1};
  if (u == "rps" || u == "ops" || ends_with(u, "/s") || ends_with(u, "/sec") || ends_with(u, "per_second") ||
      ends_with(u, "/second"))
    return {Dimension::rate, 1};
  if (u.empty()) return {Dimension::none, 1};
  return {Dimension::other, 1};
}

}  // namespace

std::string to_string(Direction d) { return d == Direction::higher_is_better ? "higher_is_better" : "lower_is_better"; }

std::optional<Direction> parse_direction(const std::string& s) {
  const std::string l = lower(s);
  if (l == "higher_is_better" || l == "higher") return Direction::higher_is_better;
  if (l == "lower_is_better" || l == "lower") return Direction::lower_is_better;
  return std::nullopt;
}

std::optional<Direction> direction_from_unit(const std::string& unit) {
  const std::string u = lower(unit);
  switch (unit_info(unit).dim) {
    case Dimension::rate: return Direction::higher_is_better;
    case Dimension::time:
    case Dimension::size:
    case Dimension::fraction: return Direction::lower_is_better;
    default: break;
  }
  if (u == "cores" || u == "cpu" || u == "cpu_cores") return Direction::lower_is_better;
  if (ends_with(u, "/op")) return Direction::lower_is_better;  // Go's per-operation costs: allocs/op, B/op
  return std::nullopt;
}

bool is_time_unit(const std::string& unit) { return unit_info(unit).dim == Dimension::time; }

bool is_rate_unit(const std::string& unit) { return unit_info(unit).dim == Dimension::rate; }

std::optional<double> convert_unit(double value, const std::string& from, const std::string& to) {
  if (from.empty() || lower(from) == lower(to)) return value;
  const UnitInfo a = unit_info(from), b = unit_info(to);
  if (a.dim != b.dim || a.dim == Dimension::other || a.dim == Dimension::none) return std::nullopt;
  return value * a.factor / b.factor;
}

}  // namespace perfval::regression
