// Incremental HTTP/1.1 response parser for the load engine (RFC 9112): fed bytes as they arrive, keeps no
// body bytes unless asked to. It holds only parsing state (a few dozen bytes), so a connection needs no buffer
// of its own: every connection of a worker reads into one shared buffer and feeds it here.
//
// How the engine calls it, per request: reset(head) before sending; feed() every chunk read (the rest of a
// chunk after `complete` belongs to no request: no pipelining); on_eof() when the peer closes. Once complete:
// status_code(), keep_alive(), total_bytes(), and warning_count() to add to `protocol_warnings` (with
// first_warning() as the example text). A request with response checks sets a ResponseCapture first
// (set_capture) so the header fields and/or body are kept for the check evaluator; others keep nothing.
//
// What is lenient (accepted, counted as a warning) and what is an error is listed in docs/scenarios.md
// ("How responses are parsed"); the choices follow RFC 9112 and RFC 9110.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::http {

// Kinds of protocol violations the parser accepts; each counts once per response however often it occurs.
enum class ProtocolWarning : std::uint8_t {
  bare_lf,                   // a line ended in LF without CR
  empty_line_before_status,  // empty line(s) before the status line
  status_without_reason_sp,  // "HTTP/1.1 200" without the SP before the reason phrase
  obs_fold,                  // a header value continued on the next line (obsolete line folding)
  repeated_content_length,   // the same Content-Length given more than once
  chunk_whitespace,          // whitespace in a chunk-size line
  transfer_encoding_http10,  // Transfer-Encoding in an HTTP/1.0 response (the connection is then closed)
  count_
};
const char* to_string(ProtocolWarning w);  // "line ended in LF without CR", ...

// What the parser keeps of one response for checks. Owned by the caller (one per VU, reused: after the
// first responses it stops allocating), attached with set_capture(), cleared by reset().
struct ResponseCapture {
  struct Field {
    std::uint32_t name_offset, name_size;    // bytes into `fields_text`
    std::uint32_t value_offset, value_size;  // bytes into `fields_text` (folded lines joined by one SP)
  };
  bool keep_headers = false;       // keep header fields (header checks)
  bool keep_body = false;          // keep body bytes, de-chunked (body checks)
  std::size_t max_body = 64u << 20;  // bytes kept at most; beyond, body_truncated is set

  std::string fields_text;         // names and values of the final response's header fields, back to back
  std::vector<Field> fields;       // in arrival order
  std::string body;                // body bytes (up to max_body)
  bool body_truncated = false;     // the body was longer than max_body

  void clear();
  std::size_t field_count() const { return fields.size(); }
  std::string_view name(std::size_t i) const { return {fields_text.data() + fields[i].name_offset, fields[i].name_size}; }
  std::string_view value(std::size_t i) const {
    return {fields_text.data() + fields[i].value_offset, fields[i].value_size};
  }
};

class ResponseParser {
 public:
  enum class Status { need_more, complete, error };
  struct Result {
    Status status;
    std::size_t consumed;  // bytes of the input used; on `complete` the rest belongs to the next response
  };

  explicit ResponseParser(std::size_t max_header_bytes = 64 * 1024) : max_header_bytes_(max_header_bytes) {}

  // Prepares for the next response. A response to HEAD has no body whatever its headers say.
  void reset(bool head_request = false);
  // Keeps header fields/body of the coming responses in `capture` (nullptr: keep nothing). Survives reset().
  void set_capture(ResponseCapture* capture) { capture_ = capture; }
  Result feed(const char* data, std::size_t size);
  // The peer closed the connection: completes a read-until-close body, otherwise an error.
  Status on_eof();

  unsigned status_code() const { return status_code_; }
  bool keep_alive() const { return keep_alive_; }            // valid once complete
  bool has_body() const { return has_body_; }                // valid once complete: false for HEAD, 1xx, 204, 304
  std::uint64_t body_bytes() const { return body_bytes_; }     // body bytes seen (chunked: payload only)
  std::uint64_t total_bytes() const { return total_bytes_; }   // all bytes of the response on the wire
  bool started() const { return total_bytes_ > 0; }           // any byte of this response seen yet
  const char* error() const { return error_; }               // reason when Status::error
  // Accepted violations in this response (1xx responses before it included): distinct kinds, and the first.
  unsigned warning_count() const;
  bool has_warning(ProtocolWarning w) const { return (warnings_ >> static_cast<unsigned>(w)) & 1u; }
  const char* first_warning() const { return first_warning_; }  // nullptr when none

 private:
  enum class State : std::uint8_t {
    status_line, header_line, body_length, body_until_close, chunk_size, chunk_data, chunk_data_cr,
    chunk_data_lf, trailer, done, failed
  };
  enum class LastField : std::uint8_t { none, other, framing };  // the field an obs-fold would continue

  Result fail(const char* why, std::size_t consumed);
  void warn(ProtocolWarning w);
  bool take_line(const char* data, std::size_t size, std::size_t& i, std::size_t cap, const char* too_long);
  const char* on_line();
  const char* on_status_line();
  bool line_in_place(const char* data, std::size_t size, std::size_t& i, const char*& why);
  bool fields_in_place(const char* data, std::size_t size, std::size_t& i, const char*& why);
  const char* on_field_line(bool trailer);
  const char* on_field(std::string_view name, std::string_view value, bool trailer);
  const char* on_fold_line();
  const char* on_framing_field(bool content_length, std::string_view value);
  const char* on_content_length(std::string_view digits);
  void on_connection(std::string_view value);
  const char* on_transfer_coding(std::string_view coding);
  const char* end_of_headers();
  void start_body();
  void keep_body(const char* data, std::size_t n);
  void clear_message();

  std::size_t max_header_bytes_;   // cap on status line + headers, bytes
  ResponseCapture* capture_ = nullptr;  // where fields/body are kept; nullptr: nowhere
  State state_ = State::status_line;
  bool head_request_ = false;
  std::string line_;               // a status/header/chunk-size line split across reads, so far (capped)
  std::string_view text_;          // the complete current line, in the input or in line_
  std::size_t header_bytes_ = 0;   // bytes of status lines + headers so far, 1xx responses included
  unsigned status_code_ = 0;
  bool http10_ = false;
  bool keep_alive_ = true;
  bool has_body_ = true;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool te_present_ = false;        // any Transfer-Encoding field
  bool te_chunked_last_ = false;   // the last transfer coding so far is chunked
  bool te_chunked_seen_ = false;   // chunked appeared at all
  bool chunked_ = false;           // body framing: chunked
  bool has_length_ = false;
  LastField last_field_ = LastField::none;
  std::uint64_t content_length_ = 0;
  std::uint64_t remaining_ = 0;    // body or chunk bytes still expected
  std::uint64_t body_bytes_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::uint32_t warnings_ = 0;     // bit per ProtocolWarning
  const char* first_warning_ = nullptr;
  const char* error_ = nullptr;
};

}  // namespace perfval::http
