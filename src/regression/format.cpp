// Number formatting shared by gate messages and every reporter.
#include "perfval/regression/format.hpp"

#include <cmath>
#include <cstdio>

#include "perfval/common/size.hpp"

namespace perfval::regression {

std::string format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  if (v == 0) return "0";
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e9 || a < 1e-4) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
  const int magnitude = static_cast<int>(std::floor(std::log10(a)));
  const int decimals = magnitude >= 3 ? 0 : 3 - magnitude;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string format_value(double v, const std::string& unit) {
  if (unit == "bytes" || unit == "B") return format_bytes(v);
  if (unit.empty()) return format_number(v);
  if (unit == "%") return format_number(v) + "%";
  return format_number(v) + " " + unit;
}

std::string format_value(const std::optional<double>& v, const std::string& unit) {
  return v ? format_value(*v, unit) : "-";
}

std::string format_change(const std::optional<double>& pct) {
  if (!pct) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", *pct);
  return buf;
}

std::string format_p_value(const std::optional<double>& p) {
  if (!p) return "-";
  if (*p < 0.0001) return "<0.0001";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *p);
  return buf;
}

}  // namespace perfval::regression
