// "did you mean" suggestions for misspelled keys, options and names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfval {

// Edit distance (insert, delete, substitute, adjacent transpose) between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a likely typo (distance <= max(1, len/3)).
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" — ready to append to a message.
std::string did_you_mean_suffix(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace perfval
