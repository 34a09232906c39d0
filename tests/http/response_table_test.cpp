// The raw-response table (response_cases.hpp) through the parser, fed whole, byte by byte and in random
// splits as reads deliver them; plus what the parser keeps for checks (ResponseCapture).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "http/response_cases.hpp"
#include "perfval/http/response_parser.hpp"

namespace perfval::http {
namespace {

using Status = ResponseParser::Status;

struct Outcome {
  Status status = Status::need_more;
  bool before_eof = false;  // complete/error while bytes were still being fed
};

// Feeds `wire` cut at the given sizes (cycled), then signals EOF if nothing ended it.
Outcome run(ResponseParser& p, const std::string& wire, const std::vector<std::size_t>& cuts) {
  std::size_t used = 0;
  for (std::size_t k = 0; used < wire.size(); ++k) {
    const std::size_t n = std::min(cuts[k % cuts.size()], wire.size() - used);
    const auto r = p.feed(wire.data() + used, n);
    used += r.consumed;
    if (r.status != Status::need_more) {
      EXPECT_EQ(r.status == Status::error || used == wire.size(), true) << "bytes left after a complete response";
      return {r.status, true};
    }
    EXPECT_EQ(r.consumed, n);
  }
  return {p.on_eof(), false};
}

void expect_case(const test::ResponseCase& c, const ResponseParser& p, Outcome o, const std::string& how) {
  SCOPED_TRACE(std::string(c.name) + " (" + how + ")");
  if (!c.ok) {
    ASSERT_EQ(o.status, Status::error);
    EXPECT_NE(std::string(p.error()).find(c.error), std::string::npos) << p.error();
    return;
  }
  ASSERT_EQ(o.status, Status::complete) << (p.error() ? p.error() : "");
  EXPECT_EQ(o.before_eof, !c.needs_eof);
  EXPECT_EQ(p.status_code(), c.status);
  EXPECT_EQ(p.body_bytes(), c.body);
  EXPECT_EQ(p.keep_alive(), c.keep_alive);
  EXPECT_EQ(p.warning_count(), c.warnings.size());
  for (auto w : c.warnings) EXPECT_TRUE(p.has_warning(w)) << to_string(w);
  if (c.warnings.empty()) {
    EXPECT_EQ(p.first_warning(), nullptr);
  } else {
    EXPECT_STREQ(p.first_warning(), to_string(c.warnings.front()));
  }
}

TEST(ResponseTable, WholeAndByteByByte) {
  for (const auto& c : test::response_cases()) {
    ResponseParser p;
    p.reset();
    expect_case(c, p, run(p, c.wire, {c.wire.size() + 1}), "whole");
    p.reset();
    expect_case(c, p, run(p, c.wire, {1}), "byte by byte");
  }
}

TEST(ResponseTable, RandomSplits) {
  std::mt19937 rng(12);
  for (const auto& c : test::response_cases()) {
    for (int round = 0; round < 20; ++round) {
      std::vector<std::size_t> cuts;
      for (int k = 0; k < 8; ++k) cuts.push_back(std::uniform_int_distribution<std::size_t>(1, 24)(rng));
      ResponseParser p;  // a parser reused across cases must give the same answers: reset() clears everything
      p.reset();
      expect_case(c, p, run(p, c.wire, cuts), "random split, round " + std::to_string(round));
    }
  }
}

TEST(ResponseTable, ResetClearsWarningsOfThePreviousResponse) {
  ResponseParser p;
  p.reset();
  const std::string lf = "HTTP/1.1 200 OK\nContent-Length: 0\n\n";
  ASSERT_EQ(p.feed(lf.data(), lf.size()).status, Status::complete);
  EXPECT_EQ(p.warning_count(), 1u);
  p.reset();
  const std::string crlf = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(p.feed(crlf.data(), crlf.size()).status, Status::complete);
  EXPECT_EQ(p.warning_count(), 0u);
}

TEST(ResponseCapture, KeepsFieldsAndDechunkedBodyOfTheFinalResponse) {
  ResponseCapture cap;
  cap.keep_headers = cap.keep_body = true;
  ResponseParser p;
  p.set_capture(&cap);
  p.reset();
  const std::string wire =
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Folded: a\r\n\tb\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  ASSERT_EQ(run(p, wire, {7}).status, Status::complete);
  ASSERT_EQ(cap.field_count(), 3u);  // the 100's field is gone
  EXPECT_EQ(cap.name(0), "Content-Type");
  EXPECT_EQ(cap.value(0), "text/plain");
  EXPECT_EQ(cap.value(1), "a b");
  EXPECT_EQ(cap.name(2), "Transfer-Encoding");
  EXPECT_EQ(cap.body, "abcde");
  EXPECT_FALSE(cap.body_truncated);

  p.reset();  // the next response starts from nothing
  EXPECT_EQ(cap.field_count(), 0u);
  EXPECT_TRUE(cap.body.empty());
}

TEST(ResponseCapture, BodyIsCappedAndHeadersCanBeLeftOut) {
  ResponseCapture cap;
  cap.keep_body = true;
  cap.max_body = 4;
  ResponseParser p;
  p.set_capture(&cap);
  p.reset();
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
  ASSERT_EQ(run(p, wire, {3}).status, Status::complete);
  EXPECT_EQ(cap.body, "0123");
  EXPECT_TRUE(cap.body_truncated);
  EXPECT_EQ(cap.field_count(), 0u);
  EXPECT_EQ(p.body_bytes(), 10u);  // counting is not affected by the cap
}

TEST(ResponseCapture, NoBodyForHeadAnd204) {
  ResponseCapture cap;
  cap.keep_body = true;
  ResponseParser p;
  p.set_capture(&cap);
  p.reset(/*head_request=*/true);
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  ASSERT_EQ(p.feed(head.data(), head.size()).status, Status::complete);
  EXPECT_FALSE(p.has_body());
  p.reset();
  const std::string no_content = "HTTP/1.1 204 No Content\r\n\r\n";
  ASSERT_EQ(p.feed(no_content.data(), no_content.size()).status, Status::complete);
  EXPECT_FALSE(p.has_body());
  p.reset();
  const std::string empty = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(p.feed(empty.data(), empty.size()).status, Status::complete);
  EXPECT_TRUE(p.has_body());  // an empty body is still a body
}

}  // namespace
}  // namespace perfval::http
