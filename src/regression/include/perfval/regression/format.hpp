// Readable numbers for reports and messages: values with units, percentages, p-values.
#pragma once

#include <optional>
#include <string>

namespace perfval::regression {

std::string format_number(double v);                               // 4 significant digits, no exponent below 1e9
std::string format_value(double v, const std::string& unit);       // "12.35 ms", "512Mi", "0.12 %", "10000 allocs/sec"
std::string format_value(const std::optional<double>& v, const std::string& unit);  // "-" when absent
std::string format_change(const std::optional<double>& pct);       // "+25.0%", "-3.2%", "-" when absent
std::string format_p_value(const std::optional<double>& p);        // "0.0079", "<0.0001", "-"

}  // namespace perfval::regression
