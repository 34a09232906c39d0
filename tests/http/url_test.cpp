// Tests URL parsing: accepted forms, default ports, and the reasons given for refused URLs.
#include "perfval/http/url.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace perfval::http {
namespace {

using ::testing::HasSubstr;

std::string reason_for(std::string_view text) {
  std::string why;
  EXPECT_FALSE(parse_url(text, &why).has_value()) << text;
  return why;
}

TEST(ParseUrl, HttpWithPortPathAndQuery) {
  const auto url = parse_url("http://example.com:8080/metrics?x=1&y=2");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/metrics?x=1&y=2");
}

TEST(ParseUrl, DefaultPortsAndRootTarget) {
  const auto http = parse_url("http://example.com");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->target, "/");
  const auto https = parse_url("https://hooks.example.com/services/T0/B0/secret");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->scheme, "https");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->target, "/services/T0/B0/secret");
}

TEST(ParseUrl, QueryWithoutPathGetsSlashAndFragmentIsDropped) {
  const auto url = parse_url("http://h?q=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "h");
  EXPECT_EQ(url->target, "/?q=1");
}

TEST(ParseUrl, SchemeAndHostAreCaseInsensitive) {
  const auto url = parse_url("HTTPS://Example.COM/Path");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->target, "/Path");  // paths stay case-sensitive
}

TEST(ParseUrl, Ipv6Literals) {
  const auto url = parse_url("http://[::1]:8080/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/x");
  EXPECT_EQ(url->host_header(), "[::1]:8080");
  EXPECT_EQ(url->origin(), "http://[::1]:8080");
  const auto no_port = parse_url("https://[2001:db8::1]");
  ASSERT_TRUE(no_port);
  EXPECT_EQ(no_port->port, 443);
  EXPECT_EQ(no_port->host_header(), "[2001:db8::1]");
}

TEST(ParseUrl, RefusesEmptyAndSchemeless) {
  EXPECT_THAT(reason_for(""), HasSubstr("empty URL"));
  EXPECT_THAT(reason_for("example.com/x"), HasSubstr("missing scheme"));
  EXPECT_THAT(reason_for("://example.com"), HasSubstr("empty scheme"));
}

TEST(ParseUrl, RefusesOtherSchemesNamingThem) {
  EXPECT_THAT(reason_for("ftp://example.com/"), HasSubstr("\"ftp\""));
  EXPECT_THAT(reason_for("ws://example.com/"), HasSubstr("\"ws\""));
}

TEST(ParseUrl, RefusesEmptyHost) {
  EXPECT_THAT(reason_for("http:///path"), HasSubstr("empty host"));
  EXPECT_THAT(reason_for("http://:8080/"), HasSubstr("empty host"));
  EXPECT_THAT(reason_for("http://[]:80/"), HasSubstr("empty host"));
}

TEST(ParseUrl, RefusesBadPorts) {
  EXPECT_THAT(reason_for("http://h:0/"), HasSubstr("out of range"));
  EXPECT_THAT(reason_for("http://h:65536/"), HasSubstr("out of range"));
  EXPECT_THAT(reason_for("http://h:123456/"), HasSubstr("not a number"));
  EXPECT_THAT(reason_for("http://h:80a/"), HasSubstr("not a number"));
  EXPECT_THAT(reason_for("http://h:-1/"), HasSubstr("not a number"));
  EXPECT_THAT(reason_for("http://h:/"), HasSubstr("missing port"));
  const auto max = parse_url("http://h:65535/");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->port, 65535);
}

TEST(ParseUrl, RefusesSpacesAndControlCharacters) {
  EXPECT_THAT(reason_for("http://h/a b"), HasSubstr("space"));
  EXPECT_THAT(reason_for(" http://h/"), HasSubstr("space"));
  EXPECT_THAT(reason_for("http://h/\tx"), HasSubstr("whitespace"));
}

TEST(ParseUrl, RefusesUserinfoWithoutEchoingIt) {
  const auto why = reason_for("https://alice:s3cret@example.com/");
  EXPECT_THAT(why, HasSubstr("user:pass@"));
  EXPECT_THAT(why, ::testing::Not(HasSubstr("s3cret")));
}

TEST(ParseUrl, RefusesMalformedIpv6) {
  EXPECT_THAT(reason_for("http://[::1/"), HasSubstr("closing ']'"));
  EXPECT_THAT(reason_for("http://[zz::1]/"), HasSubstr("not a valid IPv6"));
  EXPECT_THAT(reason_for("http://[::1]x/"), HasSubstr("after the IPv6"));
}

TEST(ParseUrl, RefusesInvalidHostCharacters) {
  EXPECT_THAT(reason_for("http://exa%mple.com/"), HasSubstr("not allowed"));
}

TEST(Url, HostHeaderOmitsDefaultPort) {
  EXPECT_EQ(parse_url("http://h/")->host_header(), "h");
  EXPECT_EQ(parse_url("http://h:80/")->host_header(), "h");
  EXPECT_EQ(parse_url("http://h:443/")->host_header(), "h:443");
  EXPECT_EQ(parse_url("https://h:443/")->host_header(), "h");
  EXPECT_EQ(parse_url("https://h:8443/")->host_header(), "h:8443");
}

TEST(Url, OriginAlwaysHasPortAndNoPath) {
  EXPECT_EQ(parse_url("https://h/secret/path?token=x")->origin(), "https://h:443");
  EXPECT_EQ(parse_url("http://h:9090/")->origin(), "http://h:9090");
}

TEST(Url, IsLoopback) {
  EXPECT_TRUE(parse_url("http://127.0.0.1:1/")->is_loopback());
  EXPECT_TRUE(parse_url("http://127.1.2.3/")->is_loopback());
  EXPECT_TRUE(parse_url("http://localhost/")->is_loopback());
  EXPECT_TRUE(parse_url("http://LOCALHOST/")->is_loopback());
  EXPECT_TRUE(parse_url("http://[::1]/")->is_loopback());
  EXPECT_TRUE(parse_url("http://[::ffff:127.0.0.1]/")->is_loopback());
  EXPECT_FALSE(parse_url("http://128.0.0.1/")->is_loopback());
  EXPECT_FALSE(parse_url("http://10.0.0.1/")->is_loopback());
  EXPECT_FALSE(parse_url("http://example.com/")->is_loopback());
  EXPECT_FALSE(parse_url("http://localhost.example.com/")->is_loopback());
  EXPECT_FALSE(parse_url("http://[::2]/")->is_loopback());
}

}  // namespace
}  // namespace perfval::http
