// The raw-response table shared by the parser tests (in-memory, random splits) and the loopback socket test:
// each case is what a server might send, and what perfval must make of it (docs/scenarios.md, "How responses
// are parsed"). Written for perfval after reading llhttp's response test suite for the kinds of cases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "perfval/http/response_parser.hpp"

namespace perfval::http::test {

struct ResponseCase {
  const char* name;           // what the case shows
  std::string wire;           // bytes the server sends, then it closes the connection
  bool ok;                    // a response (true) or a protocol error (false)
  unsigned status = 0;        // expected status code when ok
  std::uint64_t body = 0;     // expected body bytes when ok
  bool keep_alive = true;     // expected reusability when ok
  std::vector<ProtocolWarning> warnings = {};  // expected warnings (exactly these) when ok
  const char* error = "";     // expected error text (substring) when not ok
  bool needs_eof = false;     // complete only once the server closes (body runs to the close)
};

inline std::vector<ResponseCase> response_cases() {
  using W = ProtocolWarning;
  return {
      // Valid responses.
      {"content-length body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", true, 200, 5},
      {"chunked body with extension and trailer",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=\"v;x\"\r\nhello\r\n1;a=b;c\r\n!\r\n0\r\n"
       "Expires: never\r\n\r\n",
       true, 200, 6},
      {"chunked is case-insensitive and may follow other codings",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n", true, 200, 3},
      {"transfer-encoding list spread over two fields",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", true,
       200, 2},
      {"chunked, deflate: chunked is not final, the body runs to the close",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, deflate\r\n\r\nWorld", true, 200, 5, false, {}, "", true},
      {"chunked then identity in separate fields: body runs to the close",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\nWorld", true, 200, 5,
       false, {}, "", true},
      {"no length at all: body runs to the close", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil close", true, 200, 11,
       false, {}, "", true},
      {"100 Continue before the response",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", true, 201, 2},
      {"103 Early Hints with fields, then the response",
       "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
       true, 200, 0},
      {"101 Switching Protocols ends the request", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", true,
       101, 0, false},
      {"204 and 304 have no body whatever the headers say",
       "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", true, 204, 0},
      {"HTTP/1.0 closes unless keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", true, 200, 2, false},
      {"HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", true,
       200, 2, true},
      {"Connection: close in a list", "HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n", true,
       200, 0, false},
      {"a higher HTTP/1.x minor version reads as 1.1", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", true, 200, 0},
      {"empty reason phrase after the space", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", true, 200, 0},
      {"extra space before the reason is part of the reason", "HTTP/1.1 200  OK\r\nContent-Length: 0\r\n\r\n", true,
       200, 0},
      {"empty list elements are allowed", "HTTP/1.1 200 OK\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", true,
       200, 0},
      {"obs-text in a header value", "HTTP/1.1 200 OK\r\nX-Name: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n", true, 200,
       0},
      {"framing field names and options in any case",
       "HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh: 5\r\nCONNECTION: Close\r\n\r\nhello", true, 200, 5, false},
      {"names one byte from Content-Length and Connection frame nothing: the body runs to the close",
       "HTTP/1.1 200 OK\r\nContent_Length: 5\r\nContent-Lengtx: 5\r\nConnectiom: close\r\n\r\nhello!", true,
       200, 6, false, {}, "", true},
      {"Connection: keep-alive, close in one field", "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n"
       "Content-Length: 0\r\n\r\n", true, 200, 0, false},
      {"whitespace and a tab around and inside values",
       "HTTP/1.1 200 OK\r\nX-A:\t a\tb \t\r\nContent-Length:  2 \r\n\r\nok", true, 200, 2},

      // Accepted with a warning.
      {"empty line before the status line (as after aiohttp's 100 Continue)",
       "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true, 200, 2, true, {W::empty_line_before_status}},
      {"100 Continue followed by an extra empty line",
       "HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true, 200, 2, true,
       {W::empty_line_before_status}},
      {"bare LF line endings", "HTTP/1.1 200 OK\nContent-Length: 4\n\nBODY", true, 200, 4, true, {W::bare_lf}},
      {"bare LF in a chunked body",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n", true, 200, 3, true, {W::bare_lf}},
      {"status line without the space before the reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", true, 200, 0,
       true, {W::status_without_reason_sp}},
      {"obs-fold continues a value",
       "HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\nContent-Length: 0\r\n\r\n", true, 200, 0, true, {W::obs_fold}},
      {"the same Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", true,
       200, 3, true, {W::repeated_content_length}},
      {"Content-Length: 3, 3", "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", true, 200, 3, true,
       {W::repeated_content_length}},
      {"whitespace after the chunk size",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3  \r\nabc\r\n0 ;x\r\n\r\n", true, 200, 3, true,
       {W::chunk_whitespace}},
      {"Transfer-Encoding in HTTP/1.0: read, then the connection is closed",
       "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", true,
       200, 1, false, {W::transfer_encoding_http10}},

      // Errors.
      {"not HTTP", "HTP/1.1 200 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status line"},
      {"two-digit major version", "HTTP/11.1 200 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status line"},
      {"two-digit minor version", "HTTP/1.01 200 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status line"},
      {"HTTP/2 status line", "HTTP/2.0 200 OK\r\n\r\n", false, 0, 0, true, {}, "unsupported HTTP version"},
      {"tab after the version", "HTTP/1.1\t200 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status line"},
      {"two spaces before the status code", "HTTP/1.1  200 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status"},
      {"one-digit status code", "HTTP/1.1 2 OK\r\n\r\n", false, 0, 0, true, {}, "malformed status code"},
      {"status code 600", "HTTP/1.1 600 Weird\r\n\r\n", false, 0, 0, true, {}, "outside 100-599"},
      {"control character in the reason", "HTTP/1.1 200 O\x01K\r\n\r\n", false, 0, 0, true, {}, "reason phrase"},
      {"whitespace before the first header", "HTTP/1.1 200 OK\r\n Host: foo\r\n\r\n", false, 0, 0, true, {},
       "whitespace before the first header"},
      {"space in a header name", "HTTP/1.1 200 OK\r\nContent Length: 5\r\n\r\nhello", false, 0, 0, true, {},
       "invalid character in a header name"},
      {"space before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello", false, 0, 0, true, {},
       "between the header name and the colon"},
      {"header without a colon", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false, 0, 0, true, {}, "without a colon"},
      {"empty header name", "HTTP/1.1 200 OK\r\n: value\r\n\r\n", false, 0, 0, true, {}, "empty header name"},
      {"headers separated by a bare CR", "HTTP/1.1 200 OK\r\nFoo: 1\rBar: 2\r\n\r\n", false, 0, 0, true, {},
       "bare CR"},
      {"NUL in a header value", std::string("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27), false, 0, 0, true, {},
       "control character in a header value"},
      // Values are screened eight bytes at a time: a control byte deep in a long value must still be found.
      {"DEL deep in a long header value", "HTTP/1.1 200 OK\r\nX-Long: abcdefghijklmnop\x7fqrstuvwxyz\r\n\r\n", false, 0,
       0, true, {}, "control character in a header value"},
      {"control byte after eight clean bytes", "HTTP/1.1 200 OK\r\nX-Long: 01234567\x01\r\n\r\n", false, 0, 0, true, {},
       "control character in a header value"},
      {"bare CR deep in a long header value", "HTTP/1.1 200 OK\r\nX-Long: 0123456789abcdef\rnext: 1\r\n\r\n", false, 0,
       0, true, {}, "bare CR"},
      {"tab and obs-text in a long header value",
       "HTTP/1.1 200 OK\r\nX-Long: a long value\twith a tab and caf\xc3\xa9 \xff bytes\r\nContent-Length: 0\r\n\r\n", true,
       200, 0},
      {"folded Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 0\r\n\r\n0123456789", false, 0, 0, true, {},
       "folded Content-Length"},
      {"malformed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", false, 0, 0, true, {},
       "malformed Content-Length"},
      {"Content-Length with a sign", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", false, 0, 0, true, {},
       "malformed Content-Length"},
      {"conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", false, 0, 0,
       true, {}, "conflicting Content-Length"},
      {"Content-Length: 5, 6", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", false, 0, 0, true, {},
       "conflicting Content-Length"},
      {"both Transfer-Encoding and Content-Length",
       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, 0, 0, true, {},
       "both Transfer-Encoding and Content-Length"},
      {"chunked applied twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", false, 0, 0,
       true, {}, "more than once"},
      {"invalid transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chun ked\r\n\r\n", false, 0, 0, true, {},
       "invalid transfer coding"},
      {"chunk size with 0x", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", false,
       0, 0, true, {}, "malformed chunk size"},
      {"chunk size with garbage after a space",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", false, 0, 0, true, {},
       "malformed chunk size"},
      {"negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", false, 0,
       0, true, {}, "malformed chunk size"},
      {"empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", false, 0, 0,
       true, {}, "malformed chunk size"},
      {"chunk extension without a name",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;=x\r\nhello\r\n0\r\n\r\n", false, 0, 0, true, {},
       "malformed chunk extension"},
      {"unterminated quoted chunk extension",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n", false, 0, 0, true, {},
       "malformed chunk extension"},
      {"chunk size too large",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n", false, 0, 0, true, {},
       "chunk size too large"},
      {"missing CRLF after chunk data",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", false, 0, 0, true, {},
       "missing CRLF after chunk data"},
      {"malformed trailer field", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
       false, 0, 0, true, {}, "without a colon"},
      {"body shorter than Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", false, 0, 0, true, {},
       "closed mid-response"},
      {"chunked body cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false, 0, 0, true,
       {}, "closed mid-response"},
      {"headers cut short", "HTTP/1.1 200 OK\r\nContent-", false, 0, 0, true, {}, "closed mid-response"},
      {"nothing at all", "", false, 0, 0, true, {}, "closed before a response"},
  };
}

}  // namespace perfval::http::test
