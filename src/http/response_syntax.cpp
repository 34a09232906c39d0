// RFC 9112 (HTTP/1.1 message syntax) and RFC 9110 (tokens, field values, lists) checks for one response line.
#include "response_syntax.hpp"

#include <cstring>

namespace perfval::http::detail {

namespace {
std::uint8_t klass(char c) { return kByteClasses[static_cast<unsigned char>(c)]; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ws(char c) { return c == ' ' || c == '\t'; }
bool is_ctl(char c) { return (klass(c) & kCtl) != 0; }
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

bool is_tchar(char c) { return (klass(c) & kTchar) != 0; }

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
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
    if (is_ctl(line[i])) return line[i] == '\r' ? "bare CR inside a line" : "control character in the reason phrase";
  }
  return nullptr;
}

const char* parse_field_line(std::string_view line, std::string_view& name, std::string_view& value) {
  std::size_t i = 0;
  while (i < line.size() && is_tchar(line[i])) ++i;  // one pass: the name's characters, then its colon
  if (i == line.size() || line[i] != ':') {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return line.find('\r') != std::string_view::npos ? "bare CR inside a line" : "header line without a colon";
    }
    if (colon == 0) return "empty header name";
    if (is_ws(line[colon - 1])) return "whitespace between the header name and the colon";
    if (line.substr(0, colon).find('\r') != std::string_view::npos) return "bare CR inside a line";
    return "invalid character in a header name";
  }
  if (i == 0) return "empty header name";
  name = line.substr(0, i);
  value = trim_ows(line.substr(i + 1));
  return check_field_value(value);
}

const char* check_field_value(std::string_view value) {
  // Eight bytes at a time until a word may hold a control byte (a TAB trips the screen too), then byte by byte.
  const char* p = value.data();
  const char* const end = p + value.size();
  for (; end - p >= 8; p += 8) {
    if (ctl_flags(load8(p)) != 0) break;
  }
  for (; p != end; ++p) {
    if (is_ctl(*p)) return *p == '\r' ? "bare CR inside a line" : "control character in a header value";
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
