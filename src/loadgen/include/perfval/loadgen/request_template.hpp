// Per-request values in a request's path, header values and body: {{vu}}, {{iteration}}, {{random:LO-HI}},
// {{uuid}}, {{data.COLUMN}} (docs/scenarios.md#templates). A request is compiled once into literal segments
// and slots; a request without templates stays one prepared byte string.
//
// How the engine calls it (phase 2 of issue 12): prepare() builds the head (request line and header lines,
// each ending in CRLF, without the blank line) and the body as today, then RequestTemplate::compile(head,
// body, data, add_content_length). Per send: if is_static(), write wire() as now; otherwise render() into the
// VU's reused std::string (no allocation once its capacity has grown) and write that. The context carries
// the VU number (k6 __VU, from 1), its iteration (k6 __ITER, from 0), the data row and the VU's generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "perfval/loadgen/data_file.hpp"

namespace perfval::loadgen {

// A VU's random state for {{random}} and {{uuid}} (splitmix64: 8 bytes).
struct TemplateRng {
  std::uint64_t state = 0;  // seed it per VU, e.g. from the run seed and the VU number
};

struct TemplateContext {
  std::int64_t vu = 1;             // the VU's number, from 1 (k6 __VU)
  std::int64_t iteration = 0;      // the VU's iteration, from 0 (k6 __ITER)
  const DataTable* data = nullptr;  // the scenario's data file, when it has one
  std::size_t row = 0;             // the iteration's row (DataCursor::next)
  TemplateRng* rng = nullptr;      // required when the template uses random or uuid
};

// Checks the template syntax of one text: empty when valid, else why not ("unknown template {{vus}} (did you
// mean {{vu}}?)", "{{data.x}}: no column \"x\" in users.csv", ...). `data` may be null (no data file).
// Text without "{{" is always valid.
std::string check_template(std::string_view text, const DataTable* data);
// Columns of `data` that `text` uses (for validating their cells where they land, e.g. no CR/LF in a header).
std::vector<std::size_t> template_columns(std::string_view text, const DataTable& data);
bool has_template(std::string_view text);  // contains "{{"

class RequestTemplate {
 public:
  // head: request line + header lines, each with CRLF; body: the request body. With add_content_length a
  // "Content-Length" header with the rendered body's size ends the head. Throws Error for invalid templates
  // (the scenario reader has already rejected them with their location).
  static RequestTemplate compile(const std::string& head, const std::string& body, const DataTable* data,
                                 bool add_content_length);

  bool is_static() const { return head_.empty() && body_.empty(); }
  const std::string& wire() const { return wire_; }  // the whole request when is_static()
  // The request for `ctx` into `out` (cleared first, capacity reused).
  void render(const TemplateContext& ctx, std::string& out) const;

 private:
  enum class Kind : std::uint8_t { literal, vu, iteration, random, uuid, data };
  struct Piece {
    Kind kind = Kind::literal;
    std::uint32_t offset = 0, size = 0;  // literal: bytes of text_
    std::int64_t lo = 0, hi = 0;         // random: inclusive range
    std::size_t column = 0;              // data: column index
  };
  static std::vector<Piece> pieces(const std::string& text, const DataTable* data, std::string& store);
  void append(const std::vector<Piece>& pieces, const TemplateContext& ctx, std::string& out) const;

  std::string wire_;            // static request (no slots anywhere)
  std::string text_;            // literal bytes the pieces point into
  std::vector<Piece> head_;     // empty when static
  std::vector<Piece> body_;     // empty when static
  bool content_length_ = false;  // append "Content-Length: N\r\n" after the head
};

}  // namespace perfval::loadgen
