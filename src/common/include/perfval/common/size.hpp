// Byte sizes in Kubernetes ("512Mi", "1Gi") and SI ("100MB", "1.5k") notation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfval {

// Parses a size with an optional suffix: Ki Mi Gi Ti (1024-based), k K M G T / kB MB GB TB (1000-based), B.
std::optional<double> parse_bytes(std::string_view text);

// "512Mi", "1.5Gi", "300B": binary units, at most one decimal.
std::string format_bytes(double bytes);

}  // namespace perfval
