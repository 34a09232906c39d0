// Duration parsing and formatting shared by scenarios, CLI flags and reports.
#include "perfval/common/duration.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace perfval {

namespace {
// Nanoseconds per unit, longest unit names first so "ms" is not read as "m".
struct Unit {
  std::string_view name;
  double ns;
};
constexpr Unit kUnits[] = {{"ms", 1e6}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ns", 1.0},
                           {"h", 3600e9}, {"m", 60e9},  {"s", 1e9}};
}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text == "0") return Nanos{0};
  double total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    bool digits = false, dot = false;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && !dot))) {
      if (text[i] == '.') dot = true; else digits = true;
      ++i;
    }
    if (!digits) return std::nullopt;
    // strtod, not stod: a 400-digit number must give nullopt, not throw std::out_of_range.
    const double value = std::strtod(std::string(text.substr(0, i)).c_str(), nullptr);
    text.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(0, u.name.size()) == u.name) { unit = &u; break; }
    }
    if (unit == nullptr) return std::nullopt;
    text.remove_prefix(unit->name.size());
    total += value * unit->ns;
  }
  if (!std::isfinite(total) || total > 9.2e18) return std::nullopt;
  return Nanos{static_cast<std::int64_t>(std::llround(total))};
}

std::string format_duration(Nanos d) {
  const auto ns = d.count();
  char buf[64];
  if (ns == 0) return "0s";
  const bool neg = ns < 0;
  const double a = std::fabs(static_cast<double>(ns));
  std::string out = neg ? "-" : "";
  if (a >= 60e9 && std::fmod(a, 1e9) == 0) {
    // Whole seconds of a minute or more: "1h1m1s", "1h30m", "1m30s" (not "61m1s").
    const auto total_s = static_cast<long long>(a / 1e9);
    if (total_s >= 3600) out += std::to_string(total_s / 3600) + "h";
    if (total_s % 3600 / 60) out += std::to_string(total_s % 3600 / 60) + "m";
    if (total_s % 60) out += std::to_string(total_s % 60) + "s";
    return out;
  }
  // %.12g keeps every nanosecond below ~16 minutes, so the text parses back to the same duration.
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.12gs", a / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.12gms", a / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "%.12g\xC2\xB5s", a / 1e3);
  else std::snprintf(buf, sizeof buf, "%.12gns", a);
  return out + buf;
}

}  // namespace perfval
