// TLS transport: OpenSSL driven directly on the VU's non-blocking socket (wrk's model: SSL_read/SSL_write,
// WANT_READ/WANT_WRITE mapped to reactor waits), with session resumption across a connection's reconnects.
// Asio's ssl::stream is not used on this path: its synchronous read_some/write_some on a non-blocking socket
// can drop buffered TLS output on would_block, its async path costs an event-loop trip per read, and it keeps
// two 17 KiB buffers per connection. The socket BIO below sends with MSG_NOSIGNAL, so a peer that closed a
// kept-alive connection gives EPIPE instead of SIGPIPE.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cerrno>
#include <utility>

#include "transport_internal.hpp"

namespace perfval::http {

namespace {

namespace asio = boost::asio;
using boost::system::error_code;

struct BioState {
  int fd = -1;       // the connected socket
  bool eof = false;  // recv returned 0
  detail::Inbox* inbox = nullptr;  // bytes the readiness read got, handed to OpenSSL before the socket is read
};

int bio_write(BIO* b, const char* data, int len) {
  auto* st = static_cast<BioState*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  const ssize_t n = ::send(st->fd, data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
  return -1;
}

int bio_read(BIO* b, char* buffer, int len) {
  auto* st = static_cast<BioState*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (const std::size_t held = st->inbox->take(buffer, static_cast<std::size_t>(len)); held > 0) {
    return static_cast<int>(held);
  }
  if (const auto failed = std::exchange(st->inbox->error, {})) {  // how the readiness read ended, as recv's would
    if (failed == boost::asio::error::eof) {
      st->eof = true;
      return 0;
    }
    errno = failed.value();
    return -1;
  }
  const ssize_t n = ::recv(st->fd, buffer, static_cast<std::size_t>(len), 0);
  if (n > 0) return static_cast<int>(n);
  if (n == 0) {
    st->eof = true;
    return 0;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_read(b);
  return -1;
}

long bio_ctrl(BIO* b, int cmd, long, void*) {
  if (cmd == BIO_CTRL_FLUSH) return 1;
  if (cmd == BIO_CTRL_EOF) return static_cast<BioState*>(BIO_get_data(b))->eof ? 1 : 0;
  return 0;
}

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "perfval socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

// The reason of the oldest queued OpenSSL error (queue cleared), or `fallback`.
std::string openssl_error(const std::string& fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

int on_new_session(SSL* ssl, SSL_SESSION* session);

class TlsTransport final : public Transport {
 public:
  TlsTransport(asio::io_context& io, const TransportTarget& target, TransportEvents& events)
      : socket_(io), target_(target), tls_(*target.tls), events_(events), inbox_(io) {}
  ~TlsTransport() override {
    close();
    if (session_) SSL_SESSION_free(session_);
  }

  void async_connect() override {
    started_ = std::chrono::steady_clock::now();
    timing_ = {};
    asio::async_connect(socket_, target_.endpoints, [this](const error_code& ec, const asio::ip::tcp::endpoint&) {
      timing_.connect_us = detail::micros_since(started_);
      if (ec) {
        fail(ConnectStep::connect, ec, ec.message());
        return;
      }
      error_code ignored;
      socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
      socket_.non_blocking(true, ignored);
      if (!start_tls()) return;
      started_ = std::chrono::steady_clock::now();
      handshake();
    });
  }

  std::size_t write_some(const char* data, std::size_t size, error_code& ec) override {
    ERR_clear_error();
    const int n = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    if (n > 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    write_waits_read_ = io_error(n, ec) == SSL_ERROR_WANT_READ;
    if (ec == asio::error::eof) ec = asio::error::broken_pipe;
    return 0;
  }
  void wait_writable() override {
    socket_.async_wait(write_waits_read_ ? asio::ip::tcp::socket::wait_read : asio::ip::tcp::socket::wait_write,
                       [this](const error_code& ec) { events_.on_writable(ec); });
  }
  std::size_t read_some(char* buffer, std::size_t size, error_code& ec) override {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    if (n > 0) {
      ec = {};
      return static_cast<std::size_t>(n);
    }
    read_waits_write_ = io_error(n, ec) == SSL_ERROR_WANT_WRITE;
    return 0;
  }
  // Waiting for a record is a reactor read into the inbox, as for plain TCP (no epoll_ctl per wait); the rare
  // read that must first write (OpenSSL's WANT_WRITE) waits for writability.
  void wait_readable() override {
    if (read_waits_write_) {
      socket_.async_wait(asio::ip::tcp::socket::wait_write, [this](const error_code& ec) { events_.on_readable(ec); });
      return;
    }
    inbox_.start_read(socket_, events_);
  }
  void close() override {
    if (ssl_) {
      // Marks the session cleanly closed without writing: OpenSSL would otherwise refuse to resume it.
      if (handshaken_) SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    handshaken_ = false;
    error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
    inbox_.clear();
  }
  bool is_open() const override { return socket_.is_open(); }

  void keep_session(SSL_SESSION* session) {
    if (session_) SSL_SESSION_free(session_);
    session_ = session;
  }

 private:
  bool start_tls() {
    ssl_ = SSL_new(static_cast<SSL_CTX*>(tls_.native()));
    BIO* bio = ssl_ ? BIO_new(socket_method()) : nullptr;
    if (!bio) {
      fail(ConnectStep::tls, asio::error::no_memory, openssl_error("cannot create a TLS connection"));
      return false;
    }
    bio_ = {static_cast<int>(socket_.native_handle()), false, &inbox_};
    BIO_set_data(bio, &bio_);
    SSL_set_bio(ssl_, bio, bio);
    SSL_set_app_data(ssl_, this);
    if (!tls_.host_is_ip()) SSL_set_tlsext_host_name(ssl_, tls_.host().c_str());
    if (tls_.verify()) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
      if (tls_.host_is_ip()) X509_VERIFY_PARAM_set1_ip_asc(param, tls_.host().c_str());
      else X509_VERIFY_PARAM_set1_host(param, tls_.host().c_str(), 0);
    }
    if (session_) SSL_set_session(ssl_, session_);
    SSL_set_connect_state(ssl_);
    return true;
  }

  void handshake() {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      timing_.handshake_us = detail::micros_since(started_);
      timing_.resumed = SSL_session_reused(ssl_) == 1;
      handshaken_ = true;
      failed_step_ = ConnectStep::none;
      events_.on_connected({});
      return;
    }
    const int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      socket_.async_wait(err == SSL_ERROR_WANT_READ ? asio::ip::tcp::socket::wait_read
                                                    : asio::ip::tcp::socket::wait_write,
                         [this](const error_code& ec) {
                           if (ec) fail(ConnectStep::tls, ec, "handshake interrupted: " + ec.message());
                           else handshake();
                         });
      return;
    }
    const long verify = SSL_get_verify_result(ssl_);
    std::string why = verify != X509_V_OK
                          ? std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify)
                          : openssl_error(bio_.eof ? "the server closed the connection during the handshake"
                                                   : "TLS handshake failed");
    error_code ec(static_cast<int>(err), asio::error::get_ssl_category());
    fail(ConnectStep::tls, ec, std::move(why));
  }

  void fail(ConnectStep step, const error_code& ec, std::string why) {
    timing_.handshake_us = step == ConnectStep::tls ? detail::micros_since(started_) : 0;
    failed_step_ = step;
    failure_detail_ = std::move(why);
    close();
    events_.on_connected(ec ? ec : asio::error::connection_aborted);
  }

  // Maps a failed SSL_read/SSL_write to an error code; returns SSL_get_error's verdict.
  int io_error(int result, error_code& ec) {
    const int err = SSL_get_error(ssl_, result);
    switch (err) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE: ec = asio::error::would_block; break;
      case SSL_ERROR_ZERO_RETURN: ec = asio::error::eof; break;
      case SSL_ERROR_SYSCALL:
        ec = errno != 0 && !bio_.eof ? error_code(errno, boost::system::system_category()) : error_code(asio::error::eof);
        break;
      default: ec = error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category()); break;
    }
    ERR_clear_error();
    return err;
  }

  detail::ReactorSocket<asio::ip::tcp::socket> socket_;
  const TransportTarget& target_;
  const TlsClientContext& tls_;
  TransportEvents& events_;
  detail::Inbox inbox_;              // what the last readiness read got (512 bytes)
  SSL* ssl_ = nullptr;               // the current connection's TLS state; null when closed
  SSL_SESSION* session_ = nullptr;   // the latest session the server gave, offered on reconnect (owned)
  BioState bio_;                     // what the socket BIO reads and writes
  std::chrono::steady_clock::time_point started_;  // start of the current connect step
  bool handshaken_ = false;          // the handshake of the current connection completed
  bool write_waits_read_ = false;    // SSL_write wanted to read first
  bool read_waits_write_ = false;    // SSL_read wanted to write first
};

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* t = static_cast<TlsTransport*>(SSL_get_app_data(ssl));
  if (!t) return 0;
  t->keep_session(session);
  return 1;  // the transport owns the reference now
}

int ssl_version(TlsVersion v) { return v == TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION; }

}  // namespace

TlsClientContext::~TlsClientContext() { SSL_CTX_free(static_cast<SSL_CTX*>(ctx_)); }

std::shared_ptr<TlsClientContext> TlsClientContext::make(const TlsOptions& options, const std::string& host,
                                                         std::string* why) {
  std::shared_ptr<TlsClientContext> out(new TlsClientContext());
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    *why = openssl_error("cannot create a TLS context");
    return nullptr;
  }
  out->ctx_ = ctx;
  out->host_ = host;
  error_code ec;
  asio::ip::make_address(host, ec);
  out->host_is_ip_ = !ec;
  out->verify_ = !options.insecure_skip_verify;
  SSL_CTX_set_min_proto_version(ctx, ssl_version(options.min_version));
  SSL_CTX_set_max_proto_version(ctx, ssl_version(options.max_version));
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);  // a close without close_notify reads as EOF
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  SSL_CTX_set_verify(ctx, out->verify_ ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if (out->verify_) {
    const bool loaded = options.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                                : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) == 1;
    if (!loaded) {
      *why = (options.ca_file.empty() ? std::string("cannot load the system CA store")
                                      : "cannot load CA file " + options.ca_file) + ": " + openssl_error("unknown error");
      return nullptr;
    }
  }
  if (const TlsClientCert* cert = client_cert_for(options, host)) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert->cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, cert->key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      *why = "cannot use client certificate " + cert->cert_file + ": " + openssl_error("key does not match");
      return nullptr;
    }
  }
  return out;
}

namespace detail {
std::unique_ptr<Transport> make_tls_transport(asio::io_context& io, const TransportTarget& target,
                                              TransportEvents& events) {
  return std::make_unique<TlsTransport>(io, target, events);
}
}  // namespace detail

}  // namespace perfval::http
