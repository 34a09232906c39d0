// A blocking HTTP/1.1 and HTTPS client (Beast + OpenSSL) for control-plane calls: Prometheus, Pushgateway, Slack.
// Not for load generation: the load engine has its own non-blocking connections.
#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace perfval::http {

struct ClientOptions {
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // whole request: resolve, connect, TLS, write, read
  bool verify_tls = true;               // verify the server certificate and host name
  std::string ca_file;                  // PEM bundle to trust instead of the system store (private CAs)
  std::size_t max_body_bytes = 64u << 20;  // larger responses fail with kind "protocol"
};

struct ClientResponse {
  unsigned status = 0;                          // HTTP status code
  std::map<std::string, std::string> headers;   // lower-cased names
  std::string body;
};

// Thrown for transport failures; `kind` is one of: "dns", "connect", "timeout", "tls", "write", "read",
// "protocol", "url". The message never contains the request URL's path or query (webhook secrets live there).
class HttpError : public std::runtime_error {
 public:
  HttpError(std::string kind, const std::string& message) : std::runtime_error(message), kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

ClientResponse http_request(const std::string& method, const std::string& url, const std::string& body = {},
                            const std::vector<std::pair<std::string, std::string>>& headers = {},
                            const ClientOptions& options = {});

}  // namespace perfval::http
