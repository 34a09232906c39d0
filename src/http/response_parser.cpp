// ResponseParser: a byte-driven HTTP/1.1 response state machine (RFC 9112): status line, header fields,
// framing by Transfer-Encoding / Content-Length / close, chunked bodies with trailers, 1xx responses.
#include "perfval/http/response_parser.hpp"

#include <algorithm>
#include <cstring>

#include "response_syntax.hpp"

namespace perfval::http {

namespace {
constexpr std::size_t kMaxChunkLine = 4096;  // bytes of one chunk-size line (size + extensions)

bool starts_with_ws(std::string_view s) { return !s.empty() && (s[0] == ' ' || s[0] == '\t'); }
}  // namespace

const char* to_string(ProtocolWarning w) {
  switch (w) {
    case ProtocolWarning::bare_lf: return "line ended in LF without CR";
    case ProtocolWarning::empty_line_before_status: return "empty line before the status line";
    case ProtocolWarning::status_without_reason_sp: return "status line without the space before the reason";
    case ProtocolWarning::obs_fold: return "header value folded over several lines (obs-fold)";
    case ProtocolWarning::repeated_content_length: return "Content-Length given more than once";
    case ProtocolWarning::chunk_whitespace: return "whitespace in a chunk-size line";
    case ProtocolWarning::transfer_encoding_http10: return "Transfer-Encoding in an HTTP/1.0 response";
    case ProtocolWarning::count_: break;
  }
  return "protocol warning";
}

void ResponseCapture::clear() {
  fields_text.clear();
  fields.clear();
  body.clear();
  body_truncated = false;
}

unsigned ResponseParser::warning_count() const {
  unsigned n = 0;
  for (std::uint32_t w = warnings_; w != 0; w &= w - 1) ++n;
  return n;
}

void ResponseParser::clear_message() {
  status_code_ = 0;
  http10_ = false;
  keep_alive_ = true;
  has_body_ = true;
  connection_close_ = connection_keep_alive_ = false;
  te_present_ = te_chunked_last_ = te_chunked_seen_ = false;
  chunked_ = has_length_ = false;
  last_field_ = LastField::none;
  content_length_ = remaining_ = body_bytes_ = 0;
  if (capture_) capture_->clear();
}

void ResponseParser::reset(bool head_request) {
  state_ = State::status_line;
  head_request_ = head_request;
  line_.clear();
  header_bytes_ = 0;
  total_bytes_ = 0;
  warnings_ = 0;
  first_warning_ = nullptr;
  error_ = nullptr;
  clear_message();
}

ResponseParser::Result ResponseParser::fail(const char* why, std::size_t consumed) {
  state_ = State::failed;
  error_ = why;
  return {Status::error, consumed};
}

void ResponseParser::warn(ProtocolWarning w) {
  const std::uint32_t bit = 1u << static_cast<unsigned>(w);
  if (warnings_ & bit) return;
  warnings_ |= bit;
  if (!first_warning_) first_warning_ = to_string(w);
}

const char* ResponseParser::on_status_line() {
  detail::StatusLine s;
  if (const char* why = detail::parse_status_line(text_, s)) return why;
  if (s.missing_reason_sp) warn(ProtocolWarning::status_without_reason_sp);
  status_code_ = s.code;
  http10_ = s.http10;
  state_ = State::header_line;
  return nullptr;
}

const char* ResponseParser::on_transfer_coding(std::string_view coding) {
  const std::string_view name = detail::trim_ows(coding.substr(0, coding.find(';')));
  if (!detail::is_token(name)) return "invalid transfer coding";
  const bool chunked = detail::equals_lowercase(name, "chunked");
  if (chunked && te_chunked_seen_) return "chunked transfer coding applied more than once";
  te_chunked_seen_ = te_chunked_seen_ || chunked;
  te_chunked_last_ = chunked;
  return nullptr;
}

// One element of a Content-Length list: digits only.
const char* ResponseParser::on_content_length(std::string_view digits) {
  std::uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return "malformed Content-Length";
    if (v > (UINT64_MAX - 9) / 10) return "Content-Length too large";
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (has_length_ && v != content_length_) return "conflicting Content-Length values";  // a smuggling risk
  if (has_length_) warn(ProtocolWarning::repeated_content_length);
  has_length_ = true;
  content_length_ = v;
  return nullptr;
}

const char* ResponseParser::on_framing_field(bool content_length, std::string_view value) {
  const char* why = nullptr;
  bool any = false;
  if (content_length) {
    // The value is trimmed: without a comma it is the one element (the common case, no list walk).
    if (!value.empty() && value.find(',') == std::string_view::npos) return on_content_length(value);
    detail::for_each_list_element(value, [&](std::string_view n) {
      any = true;
      why = on_content_length(n);
      return why == nullptr;
    });
    if (!why && !any) why = "empty Content-Length";
  } else {  // transfer-encoding: a list, possibly over several fields
    te_present_ = true;
    detail::for_each_list_element(value, [&](std::string_view coding) {
      any = true;
      why = on_transfer_coding(coding);
      return why == nullptr;
    });
    if (!why && !any) why = "empty Transfer-Encoding";
  }
  return why;
}

const char* ResponseParser::on_field_line(bool trailer) {
  std::string_view name;
  std::string_view value;
  if (const char* why = detail::parse_field_line(text_, name, value)) return why;
  return on_field(name, value, trailer);
}

// A checked field: kept for checks, and read when it is one of the three that frame the message. Names and
// values are free of control bytes here, which equals_lowercase relies on.
const char* ResponseParser::on_field(std::string_view name, std::string_view value, bool trailer) {
  last_field_ = LastField::other;
  if (trailer) return nullptr;  // trailer fields are checked, then ignored
  if (capture_ && capture_->keep_headers) {
    auto& text = capture_->fields_text;
    const auto offset = static_cast<std::uint32_t>(text.size());
    text.append(name).append(value);
    capture_->fields.push_back({offset, static_cast<std::uint32_t>(name.size()),
                                offset + static_cast<std::uint32_t>(name.size()),
                                static_cast<std::uint32_t>(value.size())});
  }
  // Only three names matter; their lengths (14, 17, 10) rule out almost every other field at once.
  const std::size_t n = name.size();
  if (n != 10 && n != 14 && n != 17) return nullptr;
  if (n == 10) {
    if (!detail::equals_lowercase(name, "connection")) return nullptr;
    last_field_ = LastField::framing;
    on_connection(value);
    return nullptr;
  }
  if (!detail::equals_lowercase(name, n == 14 ? std::string_view("content-length") : "transfer-encoding")) return nullptr;
  last_field_ = LastField::framing;
  return on_framing_field(n == 14, value);
}

void ResponseParser::on_connection(std::string_view value) {
  // The value is trimmed: a lone option (the common case) is compared directly, a list walked.
  if (detail::equals_lowercase(value, "keep-alive")) {
    connection_keep_alive_ = true;
  } else if (detail::equals_lowercase(value, "close")) {
    connection_close_ = true;
  } else {
    detail::for_each_list_element(value, [this](std::string_view option) {
      connection_close_ = connection_close_ || detail::equals_lowercase(option, "close");
      connection_keep_alive_ = connection_keep_alive_ || detail::equals_lowercase(option, "keep-alive");
      return true;
    });
  }
}

// A line starting with SP/HTAB continues the previous field's value (RFC 9112 5.2: replaced by SP).
const char* ResponseParser::on_fold_line() {
  if (last_field_ == LastField::none) return "whitespace before the first header field";
  if (last_field_ == LastField::framing) return "folded Content-Length, Transfer-Encoding or Connection header";
  const std::string_view more = detail::trim_ows(text_);
  if (const char* why = detail::check_field_value(more)) return why;
  warn(ProtocolWarning::obs_fold);
  if (state_ == State::header_line && capture_ && capture_->keep_headers && !capture_->fields.empty()) {
    capture_->fields_text.append(" ").append(more);  // the folded field is the last one written
    capture_->fields.back().value_size += static_cast<std::uint32_t>(more.size() + 1);
  }
  return nullptr;
}

const char* ResponseParser::end_of_headers() {
  if (status_code_ < 200 && status_code_ != 101) {  // 100, 102, 103: interim, the final response follows
    clear_message();
    state_ = State::status_line;
    return nullptr;
  }
  if (te_present_ && has_length_) return "both Transfer-Encoding and Content-Length";  // RFC 9112 6.3: smuggling
  start_body();
  return nullptr;
}

void ResponseParser::start_body() {
  keep_alive_ = http10_ ? connection_keep_alive_ && !connection_close_ : !connection_close_;
  has_body_ = !(head_request_ || status_code_ == 101 || status_code_ == 204 || status_code_ == 304);
  if (status_code_ == 101) keep_alive_ = false;  // the connection now speaks another protocol
  if (!has_body_) {
    state_ = State::done;
  } else if (te_present_) {
    if (http10_) {
      warn(ProtocolWarning::transfer_encoding_http10);
      keep_alive_ = false;  // RFC 9112 6.1: faulty framing, close after the message
    }
    chunked_ = te_chunked_last_;
    if (!chunked_) keep_alive_ = false;  // chunked is not the final coding: the body runs to the close
    state_ = chunked_ ? State::chunk_size : State::body_until_close;
  } else if (has_length_) {
    remaining_ = content_length_;
    state_ = remaining_ == 0 ? State::done : State::body_length;
  } else {
    keep_alive_ = false;  // the body ends when the server closes
    state_ = State::body_until_close;
  }
}

const char* ResponseParser::on_line() {
  switch (state_) {
    case State::status_line:
      if (text_.empty()) {
        warn(ProtocolWarning::empty_line_before_status);
        return nullptr;
      }
      return on_status_line();
    case State::header_line:
      if (text_.empty()) return end_of_headers();
      return starts_with_ws(text_) ? on_fold_line() : on_field_line(false);
    case State::trailer:
      if (text_.empty()) {
        state_ = State::done;
        return nullptr;
      }
      return starts_with_ws(text_) ? on_fold_line() : on_field_line(true);
    case State::chunk_size: {
      detail::ChunkSize c;
      if (const char* why = detail::parse_chunk_size_line(text_, c)) return why;
      if (c.bad_whitespace) warn(ProtocolWarning::chunk_whitespace);
      remaining_ = c.size;
      last_field_ = LastField::none;
      state_ = c.size == 0 ? State::trailer : State::chunk_data;
      return nullptr;
    }
    default:
      return "internal parser state error";
  }
}

// Finds the end of the current line; true once text_ holds a whole line (its ending removed). A line that
// arrived whole is viewed in place; only a line split across reads is copied into line_.
bool ResponseParser::take_line(const char* data, std::size_t size, std::size_t& i, std::size_t cap,
                               const char* too_long) {
  const void* nl = std::memchr(data + i, '\n', size - i);
  const std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - (data + i)) + 1 : size - i;
  total_bytes_ += take;
  if (state_ == State::chunk_size) {
    if (line_.size() + take > cap) error_ = too_long;
  } else {
    header_bytes_ += take;
    if (header_bytes_ > cap) error_ = too_long;
  }
  const char* start = data + i;
  i += take;
  if (error_) return false;
  if (!nl) {
    line_.append(start, take);
    return false;
  }
  if (line_.empty()) {
    text_ = std::string_view(start, take - 1);
  } else {
    line_.append(start, take - 1);
    text_ = line_;
  }
  if (!text_.empty() && text_.back() == '\r') {
    text_.remove_suffix(1);
  } else {
    warn(ProtocolWarning::bare_lf);  // RFC 9112 2.2: a recipient MAY accept LF alone
  }
  return true;
}

// The fast path for the lines of a response that arrive whole in one read (nearly all of them): parsed where
// they lie, each in one pass, with the same checks as take_line() + on_line(). It takes only what it can
// decide alone: a status line, ordinary field lines, the empty line ending the headers, all ending in CR LF
// within the size limit. It stops at anything else (a line split across reads, bare LF, obs-fold, a malformed
// line, trailers, chunk sizes), leaving it untouched to the general path, which knows every case. Returns
// false when it took nothing.
bool ResponseParser::line_in_place(const char* data, std::size_t size, std::size_t& i, const char*& why) {
  if (state_ == State::header_line) return fields_in_place(data, size, i, why);
  if (state_ != State::status_line) return false;
  const char* const start = data + i;
  const char* const end = data + size;
  const char* cr = start;
  while ((cr = detail::find_ctl(cr, end)) != end && *cr == '\t') ++cr;  // HTAB may be in the reason phrase
  if (cr == start || cr == end || *cr != '\r' || cr + 1 == end || cr[1] != '\n') return false;
  const auto len = static_cast<std::size_t>(cr + 2 - start);
  if (header_bytes_ + len > max_header_bytes_) return false;
  header_bytes_ += len;
  total_bytes_ += len;
  i += len;
  text_ = std::string_view(start, static_cast<std::size_t>(cr - start));
  why = on_status_line();
  return true;
}

// Field lines "name: value CR LF" in place, up to the empty line: the name's tchars up to the colon, then the
// value up to its first control byte (HTAB aside), which must be the line's CR LF, so one scan both finds
// the line's end and checks the value. Only a field someone reads (framing, or kept for checks) goes on to
// on_field(); the rest cost the two scans.
bool ResponseParser::fields_in_place(const char* data, std::size_t size, std::size_t& i, const char*& why) {
  // Scanning no further than the size limit allows: a line crossing it is left to take_line(), which fails it.
  const std::size_t room = max_header_bytes_ - header_bytes_;  // header_bytes_ never exceeds the limit here
  const char* const end = data + (size - i > room ? i + room : size);
  const char* const first = data + i;
  const char* line = first;
  while (line != end) {
    if (*line == '\r') {  // the empty line?
      if (end - line < 2 || line[1] != '\n') break;
      line += 2;
      header_bytes_ += static_cast<std::size_t>(line - first);  // before end_of_headers(): a 1xx continues the count
      total_bytes_ += static_cast<std::size_t>(line - first);
      i += static_cast<std::size_t>(line - first);
      why = end_of_headers();
      return true;
    }
    const char* const colon = detail::skip_tchars(line, end);
    if (colon == line || colon == end || *colon != ':') break;  // also a fold line, bare LF, a bad name
    const char* cr = colon + 1;
    while ((cr = detail::find_ctl(cr, end)) != end && *cr == '\t') ++cr;
    if (cr == end || *cr != '\r' || cr + 1 == end || cr[1] != '\n') break;
    const auto name_size = static_cast<std::size_t>(colon - line);
    if (capture_ == nullptr && name_size != 10 && name_size != 14 && name_size != 17) {
      last_field_ = LastField::other;
    } else {
      const std::string_view value = detail::trim_ows(std::string_view(colon + 1, static_cast<std::size_t>(cr - colon - 1)));
      why = on_field(std::string_view(line, name_size), value, false);
    }
    line = cr + 2;
    if (why) break;
  }
  const auto taken = static_cast<std::size_t>(line - first);
  header_bytes_ += taken;
  total_bytes_ += taken;
  i += taken;
  return taken > 0;
}

void ResponseParser::keep_body(const char* data, std::size_t n) {
  if (!capture_ || !capture_->keep_body) return;
  auto& body = capture_->body;
  const std::size_t room = capture_->max_body > body.size() ? capture_->max_body - body.size() : 0;
  body.append(data, std::min(n, room));
  if (n > room) capture_->body_truncated = true;
}

ResponseParser::Result ResponseParser::feed(const char* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    switch (state_) {
      case State::status_line:
      case State::header_line:
      case State::trailer:
      case State::chunk_size: {
        const char* why = nullptr;
        if (!line_.empty() || !line_in_place(data, size, i, why)) {
          const bool chunk = state_ == State::chunk_size;
          const bool whole = take_line(data, size, i, chunk ? kMaxChunkLine : max_header_bytes_,
                                       chunk ? "chunk-size line too long" : "response headers exceed the size limit");
          if (error_) return fail(error_, i);
          if (!whole) break;
          why = on_line();  // a bare CR inside the line fails its syntax check
          line_.clear();
        }
        if (why) return fail(why, i);
        if (state_ == State::done) return {Status::complete, i};
        break;
      }
      case State::body_length:
      case State::chunk_data: {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size - i));
        keep_body(data + i, take);
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
        keep_body(data + i, size - i);
        body_bytes_ += size - i;
        total_bytes_ += size - i;
        i = size;
        break;
      case State::chunk_data_cr:
      case State::chunk_data_lf: {
        const char c = data[i++];
        ++total_bytes_;
        if (state_ == State::chunk_data_cr && c == '\r') {
          state_ = State::chunk_data_lf;
        } else if (c == '\n') {
          if (state_ == State::chunk_data_cr) warn(ProtocolWarning::bare_lf);
          state_ = State::chunk_size;
        } else {
          return fail("missing CRLF after chunk data", i);
        }
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
