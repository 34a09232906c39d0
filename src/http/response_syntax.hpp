// Private to perfval_http: the RFC 9112/9110 grammar pieces the response parser checks, as pure functions
// over one line (status line, field line, chunk-size line) without its line ending.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace perfval::http::detail {

bool is_tchar(char c);                      // RFC 9110 token character
bool is_token(std::string_view s);          // non-empty run of tchar
// Strips SP and HTAB at both ends (inline, as the two below: they run for the fields the parser reads).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Byte classes, looked up once per byte on the hot path (every header byte of every response).
inline constexpr std::uint8_t kTchar = 1;  // RFC 9110 token character
inline constexpr std::uint8_t kCtl = 2;    // control other than HTAB, or DEL (obs-text >= 0x80 is allowed)
constexpr std::array<std::uint8_t, 256> make_byte_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    bool special = false;
    for (const char* p = "!#$%&'*+-.^_`|~"; *p; ++p) special = special || c == *p;
    if (alnum || special) t[c] |= kTchar;
    if ((c < 0x20 && c != '\t') || c == 0x7f) t[c] |= kCtl;
  }
  return t;
}
inline constexpr std::array<std::uint8_t, 256> kByteClasses = make_byte_classes();

inline std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
// True when `s` equals `lower` ignoring ASCII case, for `lower` made of lowercase letters, digits and '-' and
// `s` free of control bytes (a validated name or field value): then OR-ing 0x20 into each byte of `s` is
// exact, and it is done eight bytes at a time.
inline bool equals_lowercase(std::string_view s, std::string_view lower) {
  const std::size_t n = s.size();
  if (n != lower.size()) return false;
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(s[i]) | 0x20u) != static_cast<unsigned char>(lower[i])) return false;
    }
    return true;
  }
  constexpr std::uint64_t case_bits = 0x2020202020202020ULL;
  for (std::size_t i = 0;; i += 8) {
    const std::size_t at = i + 8 <= n ? i : n - 8;  // the last word overlaps the one before it
    if ((load8(s.data() + at) | case_bits) != load8(lower.data() + at)) return false;
    if (at == n - 8) return true;
  }
}

// One bit (0x80) in each byte of `word` that is below 0x20 or is DEL. Bytes above the lowest flagged one may be
// flagged falsely (borrows), so only the lowest flag is exact: its position is the first control byte.
inline std::uint64_t ctl_flags(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
  const std::uint64_t del = word ^ (ones * 0x7f);
  return below_space | ((del - ones) & ~del & highs);
}

#if defined(__SSE2__)
// SSE2 (every x86-64 CPU): 0xff in each byte of `x` that is not a tchar (RFC 9110: any of 0x00-0x20, 0x7f-0xff
// and "(),/:;<=>?@[\]{} ), as ranges and single bytes.
inline __m128i non_tchar_bytes(__m128i x) {
  const auto eq = [x](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
  const auto within = [x](char lo, char hi) {  // lo <= x <= hi, unsigned
    return _mm_cmpeq_epi8(_mm_max_epu8(_mm_min_epu8(x, _mm_set1_epi8(hi)), _mm_set1_epi8(lo)), x);
  };
  const __m128i outside = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x20)), x),
                                       _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x7f)), x));
  const __m128i singles = _mm_or_si128(_mm_or_si128(eq('"'), eq(',')), _mm_or_si128(_mm_or_si128(eq('/'), eq('{')), eq('}')));
  const __m128i ranges = _mm_or_si128(_mm_or_si128(within('(', ')'), within(':', '@')), within('[', ']'));
  return _mm_or_si128(outside, _mm_or_si128(singles, ranges));
}
// 0xff in each byte of `x` that is a control byte: below 0x20 (HTAB included) or DEL.
inline __m128i ctl_bytes(__m128i x) {
  return _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
}
inline const char* first_flagged(const char* p, __m128i flags) {
  const int mask = _mm_movemask_epi8(flags);
  return mask == 0 ? nullptr : p + std::countr_zero(static_cast<unsigned>(mask));
}
#endif

// The in-place scans of the response parser's fast path (inline: they run over every header byte), over
// [p, end). skip_tchars: the first byte that is not a tchar. find_ctl: the first control byte (below 0x20,
// HTAB included, or DEL). Sixteen bytes at a time with SSE2, else eight (find_ctl) or one; end when none.
inline const char* skip_tchars(const char* p, const char* end) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (const char* q = first_flagged(p, non_tchar_bytes(x))) return q;
  }
#endif
  const auto tchar = [](char c) { return (kByteClasses[static_cast<unsigned char>(c)] & kTchar) != 0; };
  while (end - p >= 4 && tchar(p[0]) && tchar(p[1]) && tchar(p[2]) && tchar(p[3])) p += 4;
  while (p != end && tchar(*p)) ++p;
  return p;
}
inline const char* find_ctl(const char* p, const char* end) {
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (const char* q = first_flagged(p, ctl_bytes(x))) return q;
  }
#endif
  for (; end - p >= 8; p += 8) {
    const std::uint64_t flags = ctl_flags(load8(p));
    if (flags == 0) continue;
    // On a little-endian machine the first byte in memory is the lowest, whose flag is exact; elsewhere the
    // word is searched byte by byte below.
    if constexpr (std::endian::native == std::endian::little) return p + (std::countr_zero(flags) >> 3);
    break;
  }
  while (p != end && (kByteClasses[static_cast<unsigned char>(*p)] & kCtl) == 0 && *p != '\t') ++p;
  return p;
}

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
