// Human durations ("1h30m", "500ms", "2.5s", "250us") parsed to and printed from std::chrono.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace perfval {

using Nanos = std::chrono::nanoseconds;

// Parses a Go/k6-style duration: one or more <number><unit> parts, unit in h, m, s, ms, us, µs, ns.
// A bare "0" is accepted. Returns nullopt on malformed input (callers add the location).
std::optional<Nanos> parse_duration(std::string_view text);

// Shortest readable form: "1h30m", "2.5s", "850ms", "120µs".
std::string format_duration(Nanos d);

// Milliseconds as a double, the unit of every latency in result files.
inline double to_ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }
inline double to_seconds(Nanos d) { return static_cast<double>(d.count()) / 1e9; }

}  // namespace perfval
