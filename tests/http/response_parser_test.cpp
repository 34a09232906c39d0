// Tests for the load engine's incremental response parser: framing, keep-alive, limits and garbage.
#include "perfval/http/response_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {
using perfval::http::ResponseParser;
using Status = ResponseParser::Status;

// Feeds `wire` in pieces of `step` bytes; returns the final status and total consumed.
std::pair<Status, std::size_t> feed_in_steps(ResponseParser& p, const std::string& wire, std::size_t step) {
  std::size_t used = 0;
  while (used < wire.size()) {
    const std::size_t n = std::min(step, wire.size() - used);
    const auto r = p.feed(wire.data() + used, n);
    used += r.consumed;
    if (r.status != Status::need_more) return {r.status, used};
  }
  return {Status::need_more, used};
}

TEST(ResponseParser, ContentLengthBodyInAnySplit) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world";
  for (std::size_t step : {1u, 2u, 7u, 1000u}) {
    ResponseParser p;
    p.reset();
    const auto [status, used] = feed_in_steps(p, wire, step);
    EXPECT_EQ(status, Status::complete) << "step " << step;
    EXPECT_EQ(used, wire.size());
    EXPECT_EQ(p.status_code(), 200u);
    EXPECT_EQ(p.body_bytes(), 11u);
    EXPECT_EQ(p.total_bytes(), wire.size());
    EXPECT_TRUE(p.keep_alive());
  }
}

TEST(ResponseParser, LeavesBytesOfTheNextResponseUnconsumed) {
  const std::string first = "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
  const std::string wire = first + "HTTP/1.1 200 OK\r\n";
  ResponseParser p;
  p.reset();
  const auto r = p.feed(wire.data(), wire.size());
  EXPECT_EQ(r.status, Status::complete);
  EXPECT_EQ(r.consumed, first.size());
  EXPECT_EQ(p.status_code(), 204u);
}

TEST(ResponseParser, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string wire =
      "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (std::size_t step : {1u, 3u, 4096u}) {
    ResponseParser p;
    p.reset();
    const auto [status, used] = feed_in_steps(p, wire, step);
    ASSERT_EQ(status, Status::complete) << "step " << step;
    EXPECT_EQ(used, wire.size());
    EXPECT_EQ(p.status_code(), 500u);
    EXPECT_EQ(p.body_bytes(), 11u);
  }
}

TEST(ResponseParser, ConnectionCloseAndHttp10DisableKeepAlive) {
  ResponseParser p;
  p.reset();
  std::string wire = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(p.feed(wire.data(), wire.size()).status, Status::complete);
  EXPECT_FALSE(p.keep_alive());

  p.reset();
  wire = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(p.feed(wire.data(), wire.size()).status, Status::complete);
  EXPECT_FALSE(p.keep_alive());

  p.reset();
  wire = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(p.feed(wire.data(), wire.size()).status, Status::complete);
  EXPECT_TRUE(p.keep_alive());
}

TEST(ResponseParser, BodyUntilCloseCompletesOnEof) {
  ResponseParser p;
  p.reset();
  const std::string wire = "HTTP/1.1 200 OK\r\n\r\nsome bytes";
  EXPECT_EQ(p.feed(wire.data(), wire.size()).status, Status::need_more);
  EXPECT_EQ(p.on_eof(), Status::complete);
  EXPECT_EQ(p.body_bytes(), 10u);
  EXPECT_FALSE(p.keep_alive());
}

TEST(ResponseParser, EofMidResponseIsAnError) {
  ResponseParser p;
  p.reset();
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
  EXPECT_EQ(p.feed(wire.data(), wire.size()).status, Status::need_more);
  EXPECT_EQ(p.on_eof(), Status::error);
  EXPECT_STREQ(p.error(), "connection closed mid-response");

  p.reset();
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.on_eof(), Status::error);
  EXPECT_STREQ(p.error(), "connection closed before a response");
}

TEST(ResponseParser, HeadResponseHasNoBody) {
  ResponseParser p;
  p.reset(/*head_request=*/true);
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
  const auto r = p.feed(wire.data(), wire.size());
  EXPECT_EQ(r.status, Status::complete);
  EXPECT_EQ(p.body_bytes(), 0u);
}

TEST(ResponseParser, SkipsInformationalResponses) {
  ResponseParser p;
  p.reset();
  const std::string wire = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  const auto r = p.feed(wire.data(), wire.size());
  EXPECT_EQ(r.status, Status::complete);
  EXPECT_EQ(p.status_code(), 201u);
  EXPECT_EQ(r.consumed, wire.size());
}

TEST(ResponseParser, OversizedHeadersAreRejected) {
  ResponseParser p(1024);
  p.reset();
  std::string wire = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  const auto [status, used] = feed_in_steps(p, wire, 100);
  EXPECT_EQ(status, Status::error);
  EXPECT_STREQ(p.error(), "response headers exceed the size limit");
  EXPECT_LE(used, 1200u);  // it stops reading soon after the cap instead of buffering everything
}

// The limit counts the status line and headers, line endings included, whether they arrive in one read (parsed
// in place) or in pieces (collected line by line).
TEST(ResponseParser, HeaderSizeLimitIsExactWholeOrSplit) {
  const std::string head = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 2\r\n\r\n";
  for (std::size_t step : {1u, 5u, 4096u}) {
    ResponseParser at_limit(head.size());
    at_limit.reset();
    EXPECT_EQ(feed_in_steps(at_limit, head + "ok", step).first, Status::complete) << "step " << step;
    ResponseParser below(head.size() - 1);
    below.reset();
    EXPECT_EQ(feed_in_steps(below, head + "ok", step).first, Status::error) << "step " << step;
    EXPECT_NE(std::string(below.error()).find("exceed the size limit"), std::string::npos) << "step " << step;
  }
}

TEST(ResponseParser, ResetAllowsReuseForTheNextResponse) {
  ResponseParser p;
  const std::string a = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop";
  const std::string b = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
  p.reset();
  ASSERT_EQ(p.feed(a.data(), a.size()).status, Status::complete);
  EXPECT_EQ(p.status_code(), 404u);
  p.reset();
  ASSERT_EQ(p.feed(b.data(), b.size()).status, Status::complete);
  EXPECT_EQ(p.status_code(), 200u);
  EXPECT_EQ(p.body_bytes(), 1u);
}

}  // namespace
