// The one error type for configuration and usage errors, caught once in main and printed with its location.
#pragma once

#include <stdexcept>
#include <string>

namespace perfval {

// Where in an input file something was found; line and column are 1-based, 0 means unknown.
struct SourceLocation {
  std::string file;  // path as the user gave it
  int line = 0;      // 1-based line, 0 if unknown
  int column = 0;    // 1-based column, 0 if unknown

  std::string to_string() const;  // "file:line:column", dropping unknown parts
};

// Process exit codes, shared by every subcommand (documented in docs/exit-codes.md).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int internal_error = 1;
inline constexpr int usage = 2;              // invalid usage, scenario, config or input
inline constexpr int measurement_failed = 98;  // perfval bench: a benchmark failed (its requests failed, ...)
inline constexpr int threshold_failed = 99;  // a threshold, regression gate or capacity alert fired
inline constexpr int interrupted = 105;      // SIGINT/SIGTERM; partial results were written
}  // namespace exit_code

// A configuration, input or usage error. what() is the full message, location included.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = exit_code::usage);
  // "file:line:col: field: message"
  Error(const SourceLocation& where, const std::string& field, const std::string& message,
        int exit_code = exit_code::usage);

  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace perfval
