// printf-style formatting of one number into a std::string, for reports and messages.
#pragma once

#include <string>

namespace perfval {

// format_double("%.2f ms", 12.345) == "12.35 ms". `format` must contain exactly one double conversion.
std::string format_double(const char* format, double value);

// A latency in microseconds as the console prints it: "850µs", "12.35ms", "2.10s".
std::string format_latency_us(double us);

}  // namespace perfval
