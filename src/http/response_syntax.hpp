// Private to perfval_http: the RFC 9112/9110 grammar pieces the response parser checks, as pure functions
// over one line (status line, field line, chunk-size line) without its line ending.
#pragma once

#include <cstdint>
#include <string_view>

namespace perfval::http::detail {

bool is_tchar(char c);                      // RFC 9110 token character
bool is_token(std::string_view s);          // non-empty run of tchar
// ASCII case-insensitive equality (inline: it runs for every header line of every response).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const unsigned x = static_cast<unsigned char>(a[i]);
    const unsigned y = static_cast<unsigned char>(b[i]);
    const unsigned lx = x - 'A' < 26u ? x + 32u : x;  // unsigned wrap: one compare for 'A'..'Z'
    const unsigned ly = y - 'A' < 26u ? y + 32u : y;
    if (lx != ly) return false;
  }
  return true;
}
std::string_view trim_ows(std::string_view s);  // strips SP and HTAB at both ends

struct StatusLine {
  unsigned code = 0;              // 100..599
  bool http10 = false;            // HTTP/1.0 (else 1.1 or a higher 1.x, treated as 1.1)
  bool missing_reason_sp = false;  // "HTTP/1.1 200" without the SP before the (empty) reason: accepted
};
// nullptr when the line is a valid status line, else why not.
const char* parse_status_line(std::string_view line, StatusLine& out);

// Splits "name: value" and checks both (token name directly followed by ':', value without CTLs).
// The value is returned without surrounding whitespace. nullptr on success, else why not.
const char* parse_field_line(std::string_view line, std::string_view& name, std::string_view& value);
// Checks a field value or an obs-fold continuation: no NUL/CTL except HTAB (obs-text is fine).
const char* check_field_value(std::string_view value);

struct ChunkSize {
  std::uint64_t size = 0;         // bytes of chunk data that follow
  bool bad_whitespace = false;    // whitespace after the size or around ';' (RFC BWS): accepted
};
// "1a;name=value" -> 26. nullptr on success, else why not.
const char* parse_chunk_size_line(std::string_view line, ChunkSize& out);

// Calls f(element) for each non-empty, OWS-trimmed element of a comma-separated list (RFC 9110 5.6.1);
// returns false as soon as f does.
template <class F>
bool for_each_list_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return false;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace perfval::http::detail
