// Private to the checks files (checks.cpp evaluates, checks_parse.cpp builds): the compiled form of a
// request's checks. Boost.Regex and nlohmann::json stay out of the public header.
#pragma once

#include <boost/regex.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfval/loadgen/checks.hpp"

namespace perfval::loadgen {

struct HeaderGlob {
  std::string name;        // field name, compared case-insensitively
  std::string pattern;     // glob over the whole value: * any run, ? one character
  std::string as_written;  // pattern as the file wrote it, for messages
};

struct BodyRegex {
  boost::regex regex;      // compiled once (Perl syntax), searched anywhere in the body
  std::string as_written;  // for messages
};

struct JsonExpectation {
  nlohmann::json::json_pointer pointer;  // compiled once
  std::string pointer_text;              // "/meta/plugin/type"
  std::optional<bool> exists;            // {exists: true|false}; otherwise `value` is compared
  std::string value;                     // expected scalar, as text (the engine's value after ${} substitution)
  bool quoted = false;                   // written in quotes: only a JSON string matches
  std::string as_written;                // for messages
};

struct SeriesFloor {
  std::string family;      // metric family name
  std::uint64_t min = 0;   // series (sample lines) required
};

struct Check {
  CheckKind kind = CheckKind::status;
  std::string description;                 // "status is 200", built from the text as written
  std::vector<unsigned> statuses;          // status: any of these
  std::string expected;                    // status: "200 or 204", for messages
  std::vector<HeaderGlob> headers;         // header: all must match
  std::vector<std::string> needles;        // body_contains: all must appear
  std::vector<std::string> needles_written;  // body_contains, for messages
  std::vector<BodyRegex> regexes;          // body_matches: all must find a match
  std::vector<JsonExpectation> json;       // json: all must hold
  std::optional<std::uint64_t> min_size;   // body_size: bytes
  std::optional<std::uint64_t> max_size;   // body_size: bytes
  std::vector<std::string> families;       // prometheus: each needs at least one sample
  std::vector<SeriesFloor> min_series;     // prometheus: series floors per family
};

struct RequestChecks::Compiled {
  std::vector<Check> checks;   // in file order, one per kind
  bool needs_headers = false;  // any header check
  bool needs_body = false;     // any check reading body bytes
};

// Glob match over the whole text: '*' matches any run (also empty), '?' one character.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace perfval::loadgen
