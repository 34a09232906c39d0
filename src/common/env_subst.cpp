// ${VAR} / ${VAR:-default} substitution from the environment, and redaction of the values it inserted.
#include "perfval/common/env_subst.hpp"

#include <cstdlib>

namespace perfval {

namespace {
bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

constexpr std::size_t kMinRedacted = 4;  // shorter values would blank out ordinary words and numbers

void note_use(std::vector<EnvUse>* uses, const std::string& name, const std::string& value) {
  if (!uses) return;
  for (const auto& u : *uses) {
    if (u.name == name) return;
  }
  uses->push_back({name, value});
}
}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

bool has_env_reference(std::string_view text) {
  for (std::size_t i = text.find("${"); i != std::string_view::npos; i = text.find("${", i + 2)) {
    if (i == 0 || text[i - 1] != '$') return true;
  }
  return false;
}

std::optional<std::string> substitute_env(std::string_view text, const EnvLookup& env, std::vector<EnvUse>* uses,
                                          std::string* why) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {  // escaped: a literal "${"
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      *why = "unterminated ${ (write $${ for a literal ${)";
      return std::nullopt;
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const std::size_t dash = inner.find(":-");
    const std::string name(inner.substr(0, dash));
    bool valid = !name.empty() && name_start(name[0]);
    for (char c : name) valid = valid && name_char(c);
    if (!valid) {
      *why = "invalid variable reference ${" + std::string(inner) + "}: use ${NAME} or ${NAME:-default}";
      return std::nullopt;
    }
    const std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (dash != std::string_view::npos) {
      const std::string_view fallback = inner.substr(dash + 2);
      if (fallback.find("${") != std::string_view::npos) {
        *why = "a default cannot contain another ${...}";
        return std::nullopt;
      }
      if (value && !value->empty()) {
        note_use(uses, name, *value);
        out += *value;
      } else {
        out += fallback;
      }
    } else if (value) {
      note_use(uses, name, *value);
      out += *value;
    } else {
      *why = "environment variable " + name + " is not set (give a default with ${" + name + ":-...})";
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

std::string redact_env(std::string text, const std::vector<EnvUse>& uses) {
  for (const auto& u : uses) {
    if (u.value.size() < kMinRedacted) continue;
    const std::string marker = "${" + u.name + "}";
    for (std::size_t at = text.find(u.value); at != std::string::npos; at = text.find(u.value, at + marker.size())) {
      text.replace(at, u.value.size(), marker);
    }
  }
  return text;
}

}  // namespace perfval
