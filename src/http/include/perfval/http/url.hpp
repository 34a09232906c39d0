// URL parsing for targets and webhooks: http/https, host, port, path-and-query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfval::http {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // host name or IP literal, without brackets
  std::uint16_t port;  // explicit or the scheme's default
  std::string target;  // path and query, always starting with "/"

  std::string host_header() const;  // "host" or "host:port" when the port is not the default
  std::string origin() const;       // "scheme://host:port"
  bool is_loopback() const;         // 127.0.0.0/8, ::1 or localhost
};

// Returns nullopt and sets *why (if given) to a short reason when the URL is malformed or not http(s).
std::optional<Url> parse_url(std::string_view text, std::string* why = nullptr);

}  // namespace perfval::http
