// Request templates: {{...}} parsed once into literal pieces and slots, rendered per request into a reused buffer.
#include "perfval/loadgen/request_template.hpp"

#include <charconv>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "splitmix.hpp"

namespace perfval::loadgen {

namespace {

const std::vector<std::string> kNames = {"vu", "iteration", "uuid", "random", "data"};

struct Slot {
  int kind = 0;                 // 1 vu, 2 iteration, 3 random, 4 uuid, 5 data (0: literal text)
  std::int64_t lo = 0, hi = 0;  // random range
  std::size_t column = 0;       // data column
};

bool parse_int(std::string_view s, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty() && s[0] != '-';
}

// Reads the name between {{ and }}; empty string on success.
std::string parse_slot(std::string_view inner, const DataTable* data, Slot& slot) {
  const std::string shown = "{{" + std::string(inner) + "}}";
  if (inner.find_first_of(" \t") != std::string_view::npos) return shown + ": write it without spaces";
  if (inner == "vu") slot.kind = 1;
  else if (inner == "iteration") slot.kind = 2;
  else if (inner == "uuid") slot.kind = 4;
  if (slot.kind != 0) return {};
  if (inner.rfind("random:", 0) == 0) {
    const std::string_view range = inner.substr(7);
    const std::size_t dash = range.find('-');
    const bool ok = dash != std::string_view::npos && parse_int(range.substr(0, dash), slot.lo) &&
                    parse_int(range.substr(dash + 1), slot.hi) && slot.lo <= slot.hi;
    if (!ok) return shown + ": use {{random:LO-HI}} with integers 0 <= LO <= HI, e.g. {{random:1-1000}}";
    slot.kind = 3;
    return {};
  }
  if (inner.rfind("data.", 0) == 0) {
    const std::string column(inner.substr(5));
    if (!data) return shown + ": the scenario has no data file (add data: {file: FILE.csv})";
    const auto index = data->column(column);
    if (!index) {
      return shown + ": no column \"" + column + "\" in " + data->file + did_you_mean_suffix(column, data->columns);
    }
    slot.kind = 5;
    slot.column = *index;
    return {};
  }
  return "unknown template " + shown + did_you_mean_suffix(inner, kNames) +
         "; templates are {{vu}}, {{iteration}}, {{random:LO-HI}}, {{uuid}}, {{data.COLUMN}}";
}

// Walks `text`, calling on_literal(begin, size) and on_slot(slot); returns the first error, or empty.
template <class Lit, class Sl>
std::string scan(std::string_view text, const DataTable* data, Lit&& on_literal, Sl&& on_slot) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return "unterminated {{ (no }} after it)";
    Slot slot;
    if (std::string why = parse_slot(text.substr(open + 2, close - open - 2), data, slot); !why.empty()) return why;
    if (open > pos) on_literal(pos, open - pos);
    on_slot(slot);
    pos = close + 2;
  }
  if (pos < text.size()) on_literal(pos, text.size() - pos);
  return {};
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_uuid(std::string& out, std::uint64_t& rng) {
  std::uint8_t b[16];
  for (int half = 0; half < 2; ++half) {
    std::uint64_t r = detail::splitmix64(rng);
    for (int i = 0; i < 8; ++i, r >>= 8) b[half * 8 + i] = static_cast<std::uint8_t>(r);
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4: random
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
}

}  // namespace

bool has_template(std::string_view text) { return text.find("{{") != std::string_view::npos; }

std::string check_template(std::string_view text, const DataTable* data) {
  if (!has_template(text)) return {};
  return scan(text, data, [](std::size_t, std::size_t) {}, [](const Slot&) {});
}

std::vector<std::size_t> template_columns(std::string_view text, const DataTable& data) {
  std::vector<std::size_t> out;
  scan(text, &data, [](std::size_t, std::size_t) {}, [&out](const Slot& s) {
    if (s.kind == 5) out.push_back(s.column);
  });
  return out;
}

std::vector<RequestTemplate::Piece> RequestTemplate::pieces(const std::string& text, const DataTable* data,
                                                            std::string& store) {
  std::vector<Piece> out;
  const std::string why = scan(
      text, data,
      [&](std::size_t begin, std::size_t size) {
        out.push_back({Kind::literal, static_cast<std::uint32_t>(store.size()), static_cast<std::uint32_t>(size)});
        store.append(text, begin, size);
      },
      [&](const Slot& s) {
        static constexpr Kind kinds[] = {Kind::literal, Kind::vu, Kind::iteration, Kind::random, Kind::uuid, Kind::data};
        out.push_back({kinds[s.kind], 0, 0, s.lo, s.hi, s.column});
      });
  if (!why.empty()) throw Error("request template: " + why);
  return out;
}

RequestTemplate RequestTemplate::compile(const std::string& head, const std::string& body, const DataTable* data,
                                         bool add_content_length) {
  RequestTemplate t;
  if (!has_template(head) && !has_template(body)) {
    t.wire_ = head;
    if (add_content_length) t.wire_ += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    t.wire_ += "\r\n" + body;
    return t;
  }
  t.head_ = pieces(head, data, t.text_);
  t.body_ = pieces(body, data, t.text_);
  if (t.body_.empty()) t.body_.push_back({Kind::literal, 0, 0});  // keeps is_static() false for an empty body
  t.content_length_ = add_content_length;
  return t;
}

void RequestTemplate::append(const std::vector<Piece>& pieces, const TemplateContext& ctx, std::string& out) const {
  for (const Piece& p : pieces) {
    switch (p.kind) {
      case Kind::literal: out.append(text_, p.offset, p.size); break;
      case Kind::vu: append_int(out, ctx.vu); break;
      case Kind::iteration: append_int(out, ctx.iteration); break;
      case Kind::random: {
        const auto span = static_cast<std::uint64_t>(p.hi - p.lo) + 1;  // 0 <= lo <= hi: no overflow
        append_int(out, p.lo + static_cast<std::int64_t>(detail::uniform_below(ctx.rng->state, span)));
        break;
      }
      case Kind::uuid: append_uuid(out, ctx.rng->state); break;
      case Kind::data: out += ctx.data->cell(ctx.row, p.column); break;
    }
  }
}

void RequestTemplate::render(const TemplateContext& ctx, std::string& out) const {
  if (is_static()) {
    out = wire_;
    return;
  }
  out.clear();
  append(head_, ctx, out);
  const std::size_t mark = out.size();
  append(body_, ctx, out);
  char line[48] = "\r\n";
  std::size_t n = 2;
  if (content_length_) {
    const char prefix[] = "Content-Length: ";
    std::copy(prefix, prefix + sizeof prefix - 1, line);
    const auto r = std::to_chars(line + sizeof prefix - 1, line + sizeof line - 4, out.size() - mark);
    n = static_cast<std::size_t>(r.ptr - line);
    constexpr std::string_view crlf2 = "\r\n\r\n";  // ends the header line and the head
    std::copy(crlf2.begin(), crlf2.end(), line + n);
    n += crlf2.size();
  }
  out.insert(mark, line, n);  // moves the body up; no allocation once `out` has grown
}

}  // namespace perfval::loadgen
