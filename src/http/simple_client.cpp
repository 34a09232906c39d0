// The blocking control-plane client: one request per connection, one deadline over every step, errors by kind.
//
// Each call runs its own private io_context; every step after name resolution is an async operation on a
// beast::tcp_stream whose expiry is the call's deadline, so a slow server cannot hold the caller past `timeout`.
// Name resolution is a blocking getaddrinfo (it cannot be cancelled); its overrun is reported as a timeout.
#include <utility>  // must precede Boost.Asio with g++ 12 in C++20

#include "perfval/http/simple_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <cctype>

#include "perfval/http/url.hpp"

namespace perfval::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t max_response_header_bytes = 1024 * 1024;

// Where a transfer stopped and why.
struct Failure {
  const char* step = nullptr;  // "connect", "tls", "write", "read"; null when the exchange succeeded
  beast::error_code ec;
};

// Everything one exchange needs; lives on the caller's stack while the private io_context runs.
struct Exchange {
  net::io_context ioc{1};
  bhttp::request<bhttp::string_body> request;
  bhttp::response_parser<bhttp::string_body> parser;
  beast::flat_buffer buffer;
  Clock::time_point deadline;
  Failure failure;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// connect -> [TLS handshake] -> write -> read, each step bounded by the same deadline.
template <class Stream>
void run_exchange(Exchange& x, Stream& stream, const tcp::resolver::results_type& endpoints) {
  auto& socket = beast::get_lowest_layer(stream);
  // The header is read on its own: Beast 1.74 misses the body limit when an eager parse runs from the header
  // straight into the body of the same read.
  auto read = [&x, &stream, &socket] {
    socket.expires_at(x.deadline);
    bhttp::async_read_header(stream, x.buffer, x.parser, [&x, &stream](beast::error_code ec, std::size_t) {
      if (ec) return void(x.failure = {"read", ec});
      if (x.parser.is_done()) return;
      bhttp::async_read(stream, x.buffer, x.parser, [&x](beast::error_code body_ec, std::size_t) {
        if (body_ec) x.failure = {"read", body_ec};
      });
    });
  };
  auto write = [&x, &stream, &socket, read] {
    socket.expires_at(x.deadline);
    bhttp::async_write(stream, x.request, [&x, read](beast::error_code ec, std::size_t) {
      if (ec) return void(x.failure = {"write", ec});
      read();
    });
  };
  socket.expires_at(x.deadline);
  socket.async_connect(endpoints, [&x, &stream, &socket, write](beast::error_code ec, const tcp::endpoint&) {
    if (ec) return void(x.failure = {"connect", ec});
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      (void)stream;
      (void)socket;
      write();
    } else {
      socket.expires_at(x.deadline);
      stream.async_handshake(ssl::stream_base::client, [&x, write](beast::error_code hs_ec) {
        if (hs_ec) return void(x.failure = {"tls", hs_ec});
        write();
      });
    }
  });
  x.ioc.run();
  beast::error_code ignored;
  socket.socket().close(ignored);
}

// Verification failures name the reason OpenSSL found (untrusted issuer, host name mismatch, expiry).
std::string tls_detail(SSL* ssl, const beast::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  }
  return ec.message();
}

void configure_tls(ssl::context& ctx, const ClientOptions& options, const std::string& origin) {
  beast::error_code ec;
  if (!options.verify_tls) {
    ctx.set_verify_mode(ssl::verify_none);
    return;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  if (!options.ca_file.empty()) {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) throw HttpError("tls", origin + ": cannot load CA file " + options.ca_file + ": " + ec.message());
  } else {
    ctx.set_default_verify_paths(ec);
    if (ec) throw HttpError("tls", origin + ": cannot load the system CA store: " + ec.message());
  }
}

// SNI for names (never for IP literals), and the name or address the certificate must carry.
void configure_peer(SSL* ssl, const std::string& host, bool verify, const std::string& origin) {
  const bool ip = is_ip_literal(host);
  if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    throw HttpError("tls", origin + ": cannot set TLS server name");
  }
  if (!verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                    : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (ok != 1) throw HttpError("tls", origin + ": cannot set the host name to verify");
}

tcp::resolver::results_type resolve(net::io_context& ioc, const Url& url, Clock::time_point deadline,
                                    const std::string& origin) {
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), tcp::resolver::numeric_service, ec);
  if (ec) throw HttpError("dns", origin + ": cannot resolve host: " + ec.message());
  if (Clock::now() >= deadline) throw HttpError("timeout", origin + ": timed out resolving the host name");
  return results;
}

[[noreturn]] void throw_failure(const Failure& f, const std::string& origin, const ClientOptions& options,
                                SSL* ssl) {
  const std::string where = origin + ": " + f.step + ": ";
  if (f.ec == beast::error::timeout) {
    const auto limit_ms = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout).count();
    throw HttpError("timeout",
                    origin + ": timed out during " + f.step + " (limit " + std::to_string(limit_ms) + " ms)");
  }
  if (f.ec == bhttp::error::body_limit) {
    throw HttpError("protocol", where + "response body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
  }
  const std::string step = f.step;
  if (step == "tls") throw HttpError("tls", where + (ssl ? tls_detail(ssl, f.ec) : f.ec.message()));
  const bool http_error = f.ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
  if (step == "read" && http_error && f.ec != bhttp::error::end_of_stream && f.ec != bhttp::error::partial_message) {
    throw HttpError("protocol", where + "malformed response: " + f.ec.message());
  }
  throw HttpError(step, where + f.ec.message());
}

ClientResponse to_response(bhttp::response<bhttp::string_body>&& message) {
  ClientResponse out;
  out.status = message.result_int();
  for (const auto& field : message) {
    auto [it, inserted] = out.headers.emplace(lower(field.name_string()), std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());  // repeated headers, as RFC 9110 combines them
  }
  out.body = std::move(message.body());
  return out;
}

void build_request(Exchange& x, const std::string& method, const Url& url, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers, const ClientOptions& options) {
  x.request.method_string(method);
  x.request.target(url.target);
  x.request.version(11);
  x.request.set(bhttp::field::host, url.host_header());
  x.request.set(bhttp::field::user_agent, "perfval");
  x.request.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers) x.request.set(name, value);
  x.request.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") x.request.prepare_payload();
  x.parser.header_limit(max_response_header_bytes);
  x.parser.body_limit(options.max_body_bytes);
  if (method == "HEAD") x.parser.skip(true);
}

}  // namespace

ClientResponse http_request(const std::string& method, const std::string& url_text, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const ClientOptions& options) {
  std::string why;
  const auto url = parse_url(url_text, &why);
  if (!url) throw HttpError("url", "invalid URL: " + why);
  if (method.empty() || method.find_first_of(" \r\n") != std::string::npos) {
    throw HttpError("url", "invalid HTTP method \"" + method + "\"");
  }
  const std::string origin = url->origin();
  Exchange x;
  x.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(options.timeout);
  build_request(x, method, *url, body, headers, options);
  const auto endpoints = resolve(x.ioc, *url, x.deadline, origin);

  if (url->scheme == "http") {
    beast::tcp_stream stream(x.ioc);
    run_exchange(x, stream, endpoints);
    if (x.failure.step) throw_failure(x.failure, origin, options, nullptr);
  } else {
    ssl::context ctx(ssl::context::tls_client);
    configure_tls(ctx, options, origin);
    beast::ssl_stream<beast::tcp_stream> stream(x.ioc, ctx);
    configure_peer(stream.native_handle(), url->host, options.verify_tls, origin);
    run_exchange(x, stream, endpoints);
    if (x.failure.step) throw_failure(x.failure, origin, options, stream.native_handle());
  }
  return to_response(x.parser.release());
}

}  // namespace perfval::http
