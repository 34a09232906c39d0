// Formatting of perfval::Error messages so every module reports locations the same way.
#include "perfval/common/error.hpp"

namespace perfval {

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

namespace {
std::string compose(const SourceLocation& where, const std::string& field, const std::string& message) {
  std::string out;
  const std::string loc = where.to_string();
  if (!loc.empty()) out += loc + ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}
}  // namespace

Error::Error(const std::string& message, int exit_code) : std::runtime_error(message), exit_code_(exit_code) {}

Error::Error(const SourceLocation& where, const std::string& field, const std::string& message, int exit_code)
    : std::runtime_error(compose(where, field, message)), exit_code_(exit_code) {}

}  // namespace perfval
