// RFC 9112 (HTTP/1.1 message syntax) and RFC 9110 (tokens, field values, lists) checks for one response line.
#include "response_syntax.hpp"

#include <cstring>

namespace perfval::http::detail {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ws(char c) { return c == ' ' || c == '\t'; }
// Controls other than HTAB, and DEL; bytes >= 0x80 (obs-text) are allowed.
bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::size_t skip_ws(std::string_view s, std::size_t i, bool& seen) {
  while (i < s.size() && is_ws(s[i])) {
    ++i;
    seen = true;
  }
  return i;
}
// quoted-string starting at s[i] == '"'; returns the index after the closing quote, or npos.
std::size_t end_of_quoted(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '"') return i + 1;
    if (s[i] == '\\') {
      if (++i >= s.size() || is_ctl(s[i])) return std::string_view::npos;
    } else if (is_ctl(s[i])) {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}
std::size_t end_of_token(std::string_view s, std::size_t i) {
  while (i < s.size() && is_tchar(s[i])) ++i;
  return i;
}
}  // namespace

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

const char* parse_status_line(std::string_view line, StatusLine& out) {
  // status-line = HTTP-version SP status-code SP [ reason-phrase ];  HTTP-version = "HTTP/" DIGIT "." DIGIT
  if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0) return "malformed status line";
  if (!is_digit(line[5]) || line[6] != '.' || !is_digit(line[7]) || line[8] != ' ') return "malformed status line";
  if (line[5] != '1') return "unsupported HTTP version in the status line";
  out.http10 = line[7] == '0';
  unsigned code = 0;
  for (int i = 9; i < 12; ++i) {
    if (!is_digit(line[i])) return "malformed status code";
    code = code * 10 + static_cast<unsigned>(line[i] - '0');
  }
  if (code < 100 || code > 599) return "status code outside 100-599";
  out.code = code;
  out.missing_reason_sp = line.size() == 12;
  if (line.size() > 12 && line[12] != ' ') return "malformed status code";
  for (std::size_t i = 13; i < line.size(); ++i) {
    if (is_ctl(line[i])) return "control character in the reason phrase";
  }
  return nullptr;
}

const char* parse_field_line(std::string_view line, std::string_view& name, std::string_view& value) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "header line without a colon";
  if (colon == 0) return "empty header name";
  name = line.substr(0, colon);
  if (is_ws(name.back())) return "whitespace between the header name and the colon";
  if (!is_token(name)) return "invalid character in a header name";
  value = trim_ows(line.substr(colon + 1));
  return check_field_value(value);
}

const char* check_field_value(std::string_view value) {
  for (char c : value) {
    if (is_ctl(c)) return "control character in a header value";
  }
  return nullptr;
}

const char* parse_chunk_size_line(std::string_view line, ChunkSize& out) {
  // chunk-size [ chunk-ext ];  chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
  std::size_t i = 0;
  std::uint64_t size = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (size > (UINT64_MAX >> 4)) return "chunk size too large";
    size = size * 16 + static_cast<std::uint64_t>(hex_value(line[i]));
  }
  if (i == 0) return "malformed chunk size";
  bool ws = false;
  i = skip_ws(line, i, ws);
  while (i < line.size()) {
    if (line[i] != ';') return "malformed chunk size";
    i = skip_ws(line, i + 1, ws);
    const std::size_t name_end = end_of_token(line, i);
    if (name_end == i) return "malformed chunk extension";
    i = skip_ws(line, name_end, ws);
    if (i < line.size() && line[i] == '=') {
      i = skip_ws(line, i + 1, ws);
      const std::size_t value_end = i < line.size() && line[i] == '"' ? end_of_quoted(line, i) : end_of_token(line, i);
      if (value_end == std::string_view::npos || value_end == i) return "malformed chunk extension";
      i = skip_ws(line, value_end, ws);
    }
  }
  out.size = size;
  out.bad_whitespace = ws;
  return nullptr;
}

}  // namespace perfval::http::detail
