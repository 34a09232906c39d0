// format_double: one snprintf into a std::string, sized to fit whatever the format produces; latencies.
#include "perfval/common/format.hpp"

#include <cstdio>

namespace perfval {

std::string format_double(const char* format, double value) {
  char buf[128];
  const int n = std::snprintf(buf, sizeof buf, format, value);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), format, value);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string format_latency_us(double us) {
  if (us < 1000) return format_double("%.0fµs", us);
  if (us < 1e6) return format_double("%.2fms", us / 1000);
  return format_double("%.2fs", us / 1e6);
}

}  // namespace perfval
