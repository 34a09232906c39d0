// Fuzz target: the load engine's HTTP/1.1 response parser, fed the same bytes whole and in random splits (as
// reads arrive). The split run must agree with the whole run, and no run may claim more bytes than it was fed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "perfval/http/response_parser.hpp"
#include "support/fuzz_support.hpp"

namespace {

using perfval::fuzz::require;
using perfval::http::ResponseCapture;
using perfval::http::ResponseParser;

struct Outcome {
  ResponseParser::Status status = ResponseParser::Status::need_more;  // after the bytes (and EOF if needed)
  std::size_t consumed = 0;       // bytes the parser used, over every feed
  unsigned status_code = 0;       // of a complete response
  std::uint64_t total_bytes = 0;  // parser's count of response bytes
  std::uint64_t body_bytes = 0;   // parser's count of body bytes
  std::string body;               // captured body
  std::size_t fields = 0;         // captured header fields
};

// Feeds `text` in pieces whose sizes come from `splits` (all at once when splits is null), then EOF if the
// response is still open.
Outcome parse(std::string_view text, bool head, perfval::fuzz::InputReader* splits) {
  ResponseParser parser(4096);
  ResponseCapture capture;
  capture.keep_headers = true;
  capture.keep_body = true;
  capture.max_body = 1024;
  parser.set_capture(&capture);
  parser.reset(head);
  Outcome out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t n = splits ? std::min(splits->take_split(64), text.size() - pos) : text.size();
    const auto r = parser.feed(text.data() + pos, n);
    require(r.consumed <= n, "feed() reports more bytes consumed than it was fed");
    out.consumed += r.consumed;
    pos += n;
    out.status = r.status;
    if (r.status != ResponseParser::Status::need_more) break;
    require(r.consumed == n, "need_more without consuming every byte fed");
  }
  if (out.status == ResponseParser::Status::need_more) out.status = parser.on_eof();
  if (out.status == ResponseParser::Status::complete) {
    out.status_code = parser.status_code();
    require(out.status_code >= 100 && out.status_code <= 999, "complete response with a status outside 100-999");
    require(parser.total_bytes() <= out.consumed, "total_bytes() exceeds the bytes consumed");
    require(parser.body_bytes() <= parser.total_bytes(), "body_bytes() exceeds total_bytes()");
    require(capture.body.size() <= capture.max_body, "captured body exceeds max_body");
    require(capture.body.size() <= parser.body_bytes(), "captured body exceeds the body bytes seen");
    require(parser.has_body() || parser.body_bytes() == 0, "body bytes in a response without a body");
    for (std::size_t i = 0; i < capture.field_count(); ++i) {
      require(!capture.name(i).empty(), "captured header field with an empty name");
    }
    out.total_bytes = parser.total_bytes();
    out.body_bytes = parser.body_bytes();
    out.body = capture.body;
    out.fields = capture.field_count();
  }
  if (out.status == ResponseParser::Status::error) require(parser.error() != nullptr, "error without a reason");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfval::fuzz::InputReader in(data, size);
  const bool head = in.take_byte() & 1u;
  // The first half of what remains steers the splits; the response is the rest.
  const std::string_view all = in.rest();
  const std::string split_bytes(all.substr(0, std::min<std::size_t>(all.size(), 32)));
  const std::string_view text = all.substr(split_bytes.size());
  perfval::fuzz::InputReader splits(reinterpret_cast<const std::uint8_t*>(split_bytes.data()), split_bytes.size());

  const Outcome whole = parse(text, head, nullptr);
  const Outcome pieces = parse(text, head, &splits);
  require(whole.status == pieces.status, "split feeding changes the outcome");
  if (whole.status == ResponseParser::Status::complete) {
    require(whole.consumed == pieces.consumed, "split feeding changes the bytes consumed");
    require(whole.status_code == pieces.status_code, "split feeding changes the status code");
    require(whole.total_bytes == pieces.total_bytes, "split feeding changes total_bytes()");
    require(whole.body_bytes == pieces.body_bytes, "split feeding changes body_bytes()");
    require(whole.body == pieces.body, "split feeding changes the captured body");
    require(whole.fields == pieces.fields, "split feeding changes the captured header fields");
  }
  return 0;
}
