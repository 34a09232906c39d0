// Parses http(s) URLs for targets and webhooks, refusing anything the load engine or client could misread.
#include "perfval/http/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace perfval::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool fail(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return false;
}

std::uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

bool is_ipv6_literal(const std::string& host) {
  in6_addr addr{};
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// Splits "scheme://rest"; the scheme must be http or https (case-insensitive).
bool parse_scheme(std::string_view text, std::string& scheme, std::string_view& rest, std::string* why) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return fail(why, "missing scheme: expected a URL starting with http:// or https://");
  }
  if (sep == 0) return fail(why, "empty scheme before \"://\": expected http or https");
  scheme = lower(text.substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    return fail(why, "unsupported scheme \"" + scheme + "\": expected http or https");
  }
  rest = text.substr(sep + 3);
  return true;
}

bool parse_port(std::string_view digits, std::uint16_t& port, std::string* why) {
  if (digits.empty()) return fail(why, "missing port number after ':'");
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(why, "port \"" + std::string(digits) + "\" is not a number between 1 and 65535");
  }
  const unsigned long value = std::stoul(std::string(digits));
  if (value == 0 || value > 65535) {
    return fail(why, "port " + std::string(digits) + " is out of range (1-65535)");
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool valid_host_name(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

// Parses "host[:port]" or "[v6][:port]" into url.host and url.port.
bool parse_authority(std::string_view authority, Url& url, std::string* why) {
  if (authority.find('@') != std::string_view::npos) {
    return fail(why, "credentials in the URL (user:pass@) are not supported; send them in a header instead");
  }
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(why, "IPv6 address is missing its closing ']'");
    url.host = lower(authority.substr(1, close - 1));
    if (url.host.empty()) return fail(why, "empty host");
    if (!is_ipv6_literal(url.host)) return fail(why, "\"" + url.host + "\" is not a valid IPv6 address");
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(why, "unexpected characters after the IPv6 address");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = authority.find(':');
    url.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    if (url.host.empty()) return fail(why, "empty host");
    if (!valid_host_name(url.host)) {
      return fail(why, "host \"" + url.host + "\" contains characters not allowed in a host name");
    }
  }
  url.port = default_port(url.scheme);
  return !has_port || parse_port(port_text, url.port, why);
}

}  // namespace

std::string Url::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == default_port(scheme) ? h : h + ":" + std::to_string(port);
}

std::string Url::origin() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + h + ":" + std::to_string(port);
}

bool Url::is_loopback() const {
  const std::string h = lower(host);
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;  // ::ffff:127.x.y.z
}

std::optional<Url> parse_url(std::string_view text, std::string* why) {
  if (text.empty()) {
    fail(why, "empty URL");
    return std::nullopt;
  }
  const auto bad = std::find_if(text.begin(), text.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
  if (bad != text.end()) {
    fail(why, *bad == ' ' ? "URL contains a space (percent-encode it as %20)"
                          : "URL contains whitespace or a control character");
    return std::nullopt;
  }
  Url url;
  std::string_view rest;
  if (!parse_scheme(text, url.scheme, rest, why)) return std::nullopt;
  const auto end_of_authority = rest.find_first_of("/?#");
  if (!parse_authority(rest.substr(0, end_of_authority), url, why)) return std::nullopt;
  std::string_view target = end_of_authority == std::string_view::npos ? "" : rest.substr(end_of_authority);
  target = target.substr(0, target.find('#'));  // fragments never go to the server
  url.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return url;
}

}  // namespace perfval::http
