// Units of measured values: conversion between compatible units and better-direction inference.
#pragma once

#include <optional>
#include <string>

namespace perfval::regression {

enum class Direction { higher_is_better, lower_is_better };

std::string to_string(Direction d);                            // "higher_is_better" / "lower_is_better"
std::optional<Direction> parse_direction(const std::string& s);  // also accepts "higher", "lower"

// Which way is better for a unit: rates ("/sec", "/s", "rps", "ops", "per_second") are higher-is-better;
// times, sizes, percentages, ratios and cores are lower-is-better; nullopt when the unit says nothing.
std::optional<Direction> direction_from_unit(const std::string& unit);

// Converts `value` from unit `from` to unit `to`: times (ns us ms s), sizes (B KiB MiB GiB kB MB GB),
// ratio <-> %, and any two per-second units. An empty `from` (the input did not say) is taken as `to`.
// nullopt when the units measure different things.
std::optional<double> convert_unit(double value, const std::string& from, const std::string& to);

// True when the unit is a time, so a smaller value is a faster result.
bool is_time_unit(const std::string& unit);

// True when the unit is a rate (per second, rps, ops): a faster machine gives a larger value.
bool is_rate_unit(const std::string& unit);

}  // namespace perfval::regression
