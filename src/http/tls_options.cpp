// TLS option helpers: version names, client certificate choice, and OpenSSL checks of CA/cert/key files.
#include "perfval/http/tls_options.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace perfval::http {

namespace {

// The oldest OpenSSL error queued, as text ("no start line", ...), clearing the queue.
std::string openssl_reason() {
  const unsigned long e = ERR_peek_error();
  std::string why = e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "unknown OpenSSL error" : "";
  ERR_clear_error();
  return why;
}

// Empty when `path` can be opened for reading, else "cannot read FILE: reason".
std::string readable(const std::string& what, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "cannot read " + what + " " + path + ": " + std::strerror(errno);
  std::fclose(f);
  return {};
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

const char* to_string(TlsVersion v) { return v == TlsVersion::tls1_3 ? "tls1.3" : "tls1.2"; }

const TlsClientCert* client_cert_for(const TlsOptions& options, std::string_view host) {
  const TlsClientCert* fallback = nullptr;
  for (const auto& c : options.client_certs) {
    if (c.domains.empty()) {
      if (!fallback) fallback = &c;
      continue;
    }
    for (const auto& d : c.domains) {
      if (d == host) return &c;
    }
  }
  return fallback;
}

std::string check_ca_file(const std::string& path) {
  if (std::string why = readable("CA file", path); !why.empty()) return why;
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  int certificates = 0;
  while (X509* x = PEM_read_X509(f.get(), nullptr, nullptr, nullptr)) {
    ++certificates;
    X509_free(x);
  }
  ERR_clear_error();  // the read that ends the loop always leaves "no start line"
  if (certificates == 0) return "no PEM certificate in CA file " + path;
  return {};
}

std::string check_client_cert(const std::string& cert_file, const std::string& key_file, bool* key_at_fault) {
  *key_at_fault = false;
  if (std::string why = readable("certificate file", cert_file); !why.empty()) return why;
  *key_at_fault = true;
  if (std::string why = readable("key file", key_file); !why.empty()) return why;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(nullptr, &EVP_PKEY_free);
  {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(key_file.c_str(), "rb"));
    key.reset(f ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr) : nullptr);
  }
  if (!key) return "no usable PEM private key in " + key_file + ": " + openssl_reason();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  if (!ctx) return "cannot create a TLS context: " + openssl_reason();
  *key_at_fault = false;
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1) {
    return "no usable PEM certificate in " + cert_file + ": " + openssl_reason();
  }
  *key_at_fault = true;
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    ERR_clear_error();
    return "the key in " + key_file + " does not belong to the certificate in " + cert_file;
  }
  *key_at_fault = false;
  return {};
}

}  // namespace perfval::http
