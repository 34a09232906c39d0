// Incremental HTTP/1.1 response parser for the load engine: fed bytes as they arrive, keeps no body bytes.
// It holds only parsing state (a few dozen bytes), so a connection needs no buffer of its own: every
// connection of a worker reads into one shared buffer and feeds it here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace perfval::http {

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
  Result feed(const char* data, std::size_t size);
  // The peer closed the connection: completes a read-until-close body, otherwise an error.
  Status on_eof();

  unsigned status_code() const { return status_code_; }
  bool keep_alive() const { return keep_alive_; }            // valid once complete
  std::uint64_t body_bytes() const { return body_bytes_; }     // body bytes seen (chunked: payload only)
  std::uint64_t total_bytes() const { return total_bytes_; }   // all bytes of the response on the wire
  bool started() const { return total_bytes_ > 0; }           // any byte of this response seen yet
  const char* error() const { return error_; }               // reason when Status::error

 private:
  enum class State : std::uint8_t {
    status_line, header_line, body_length, body_until_close, chunk_size, chunk_ext, chunk_size_lf,
    chunk_data, chunk_data_cr, chunk_data_lf, trailer, done, failed
  };
  Result fail(const char* why, std::size_t consumed);
  bool finish_status_line();
  bool finish_header_line();
  void start_body();
  void end_chunk_header();

  std::size_t max_header_bytes_;   // cap on status line + headers, bytes
  State state_ = State::status_line;
  bool head_request_ = false;
  std::string line_;               // the current status/header line (capped by max_header_bytes_)
  std::size_t header_bytes_ = 0;   // bytes of status line + headers so far
  unsigned status_code_ = 0;
  bool http10_ = false;
  bool keep_alive_ = true;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool chunked_ = false;
  bool has_length_ = false;
  std::uint64_t content_length_ = 0;
  std::uint64_t remaining_ = 0;    // body or chunk bytes still expected
  std::uint64_t body_bytes_ = 0;
  std::uint64_t total_bytes_ = 0;
  const char* error_ = nullptr;
};

}  // namespace perfval::http
