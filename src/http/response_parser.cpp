// ResponseParser: a byte-driven HTTP/1.1 response state machine (status line, headers, length/chunked/close body).
#include "perfval/http/response_parser.hpp"

#include <algorithm>
#include <cstring>

namespace perfval::http {

namespace {
bool iequals(const std::string& a, std::size_t pos, std::size_t len, const char* b) {
  const std::size_t n = std::strlen(b);
  if (len != n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    char c = a[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// Case-insensitive search for a lower-case token, without copying the value (it runs on every response).
bool contains_token(const std::string& s, std::size_t pos, const char* token) {
  const std::size_t n = std::strlen(token);
  for (std::size_t i = pos; i + n <= s.size(); ++i) {
    if (iequals(s, i, n, token)) return true;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void ResponseParser::reset(bool head_request) {
  state_ = State::status_line;
  head_request_ = head_request;
  line_.clear();
  header_bytes_ = 0;
  status_code_ = 0;
  http10_ = false;
  keep_alive_ = true;
  connection_close_ = connection_keep_alive_ = false;
  chunked_ = has_length_ = false;
  content_length_ = remaining_ = body_bytes_ = total_bytes_ = 0;
  error_ = nullptr;
}

ResponseParser::Result ResponseParser::fail(const char* why, std::size_t consumed) {
  state_ = State::failed;
  error_ = why;
  return {Status::error, consumed};
}

bool ResponseParser::finish_status_line() {
  // "HTTP/1.1 200 OK"
  if (line_.size() < 12 || line_.compare(0, 5, "HTTP/") != 0 || line_[8] != ' ') return false;
  if (line_.compare(5, 3, "1.1") == 0) http10_ = false;
  else if (line_.compare(5, 3, "1.0") == 0) http10_ = true;
  else return false;
  unsigned code = 0;
  for (int i = 9; i < 12; ++i) {
    if (line_[i] < '0' || line_[i] > '9') return false;
    code = code * 10 + static_cast<unsigned>(line_[i] - '0');
  }
  if (code < 100 || (line_.size() > 12 && line_[12] != ' ')) return false;
  status_code_ = code;
  return true;
}

bool ResponseParser::finish_header_line() {
  const std::size_t colon = line_.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::size_t v = colon + 1;
  while (v < line_.size() && (line_[v] == ' ' || line_[v] == '\t')) ++v;
  std::size_t end = line_.size();
  while (end > v && (line_[end - 1] == ' ' || line_[end - 1] == '\t')) --end;
  if (iequals(line_, 0, colon, "content-length")) {
    if (v == end) return false;
    std::uint64_t n = 0;
    for (std::size_t i = v; i < end; ++i) {
      if (line_[i] < '0' || line_[i] > '9') return false;
      if (n > (UINT64_MAX - 9) / 10) return false;
      n = n * 10 + static_cast<std::uint64_t>(line_[i] - '0');
    }
    if (has_length_ && n != content_length_) return false;  // conflicting lengths: a smuggling risk
    has_length_ = true;
    content_length_ = n;
  } else if (iequals(line_, 0, colon, "transfer-encoding")) {
    chunked_ = contains_token(line_, v, "chunked");
  } else if (iequals(line_, 0, colon, "connection")) {
    if (contains_token(line_, v, "close")) connection_close_ = true;
    if (contains_token(line_, v, "keep-alive")) connection_keep_alive_ = true;
  }
  return true;
}

void ResponseParser::end_chunk_header() {
  line_.clear();
  state_ = remaining_ == 0 ? State::trailer : State::chunk_data;
}

void ResponseParser::start_body() {
  keep_alive_ = http10_ ? connection_keep_alive_ && !connection_close_ : !connection_close_;
  const bool no_body = head_request_ || status_code_ == 204 || status_code_ == 304;
  if (no_body) {
    state_ = State::done;
  } else if (chunked_) {
    state_ = State::chunk_size;
    remaining_ = 0;
  } else if (has_length_) {
    remaining_ = content_length_;
    state_ = remaining_ == 0 ? State::done : State::body_length;
  } else {
    keep_alive_ = false;  // the body ends when the server closes
    state_ = State::body_until_close;
  }
}

ResponseParser::Result ResponseParser::feed(const char* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    switch (state_) {
      case State::status_line:
      case State::header_line:
      case State::trailer: {
        const void* nl = std::memchr(data + i, '\n', size - i);
        const std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - (data + i)) + 1 : size - i;
        header_bytes_ += take;
        total_bytes_ += take;
        if (header_bytes_ > max_header_bytes_) return fail("response headers exceed the size limit", i + take);
        line_.append(data + i, take);
        i += take;
        if (!nl) break;
        line_.pop_back();                                  // '\n'
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (state_ == State::status_line) {
          if (!finish_status_line()) return fail("malformed status line", i);
          state_ = State::header_line;
        } else if (state_ == State::trailer) {
          if (line_.empty()) state_ = State::done;
        } else if (line_.empty()) {
          if (status_code_ < 200) {                        // 1xx: informational, the real response follows
            const std::size_t hb = header_bytes_;
            const auto tb = total_bytes_;
            reset(head_request_);
            header_bytes_ = hb;
            total_bytes_ = tb;
          } else {
            start_body();
          }
        } else if (!finish_header_line()) {
          return fail("malformed header line", i);
        }
        line_.clear();
        if (state_ == State::done) return {Status::complete, i};
        break;
      }
      case State::body_length:
      case State::chunk_data: {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - i));
        remaining_ -= take;
        body_bytes_ += take;
        total_bytes_ += take;
        i += take;
        if (remaining_ == 0) {
          if (state_ == State::body_length) {
            state_ = State::done;
            return {Status::complete, i};
          }
          state_ = State::chunk_data_cr;
        }
        break;
      }
      case State::body_until_close:
        body_bytes_ += size - i;
        total_bytes_ += size - i;
        i = size;
        break;
      case State::chunk_size: {
        const char c = data[i++];
        ++total_bytes_;
        const int h = hex_value(c);
        if (h >= 0) {
          if (remaining_ > (UINT64_MAX >> 4)) return fail("chunk size too large", i);
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(h);
          line_.push_back(c);
        } else if (c == ';' || c == ' ' || c == '\t') {
          if (line_.empty()) return fail("malformed chunk size", i);
          state_ = State::chunk_ext;
        } else if (c == '\r' || c == '\n') {
          if (line_.empty()) return fail("malformed chunk size", i);
          if (c == '\r') state_ = State::chunk_size_lf;
          else end_chunk_header();
        } else {
          return fail("malformed chunk size", i);
        }
        break;
      }
      case State::chunk_ext: {
        const char c = data[i++];
        ++total_bytes_;
        if (c == '\r') state_ = State::chunk_size_lf;
        else if (c == '\n') end_chunk_header();
        break;
      }
      case State::chunk_size_lf: {
        const char c = data[i++];
        ++total_bytes_;
        if (c != '\n') return fail("malformed chunk header", i);
        end_chunk_header();
        break;
      }
      case State::chunk_data_cr: {
        const char c = data[i++];
        ++total_bytes_;
        if (c == '\r') state_ = State::chunk_data_lf;
        else if (c == '\n') state_ = State::chunk_size;
        else return fail("missing CRLF after chunk data", i);
        break;
      }
      case State::chunk_data_lf: {
        const char c = data[i++];
        ++total_bytes_;
        if (c != '\n') return fail("missing CRLF after chunk data", i);
        state_ = State::chunk_size;
        break;
      }
      case State::done:
        return {Status::complete, i};
      case State::failed:
        return {Status::error, i};
    }
  }
  if (state_ == State::done) return {Status::complete, i};
  return {Status::need_more, i};
}

ResponseParser::Status ResponseParser::on_eof() {
  if (state_ == State::body_until_close) {
    state_ = State::done;
    return Status::complete;
  }
  if (state_ == State::done) return Status::complete;
  state_ = State::failed;
  error_ = total_bytes_ == 0 ? "connection closed before a response" : "connection closed mid-response";
  return Status::error;
}

}  // namespace perfval::http
