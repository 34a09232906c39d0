// TLS client settings of a scenario (k6's insecureSkipTLSVerify, tlsAuth, tlsVersion and target.ca_file),
// and the checks that reject unreadable CA, certificate and key files before a run. No Asio or OpenSSL here:
// the scenario model includes this header; http/transport.hpp turns the options into an OpenSSL context.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::http {

enum class TlsVersion : std::uint8_t { tls1_2, tls1_3 };
const char* to_string(TlsVersion v);  // k6 spelling: "tls1.2", "tls1.3"

struct TlsClientCert {
  std::string cert_file;             // PEM certificate (chain) file
  std::string key_file;              // PEM private key file
  std::vector<std::string> domains;  // hosts it is offered to (k6 tlsAuth domains); empty: every host
};

struct TlsOptions {
  bool insecure_skip_verify = false;        // k6 insecureSkipTLSVerify: accept any certificate and name
  std::string ca_file;                      // target.ca_file: PEM CAs trusted instead of the system store
  std::vector<TlsClientCert> client_certs;  // k6 tlsAuth, for mTLS
  TlsVersion min_version = TlsVersion::tls1_2;  // k6 tlsVersion.min
  TlsVersion max_version = TlsVersion::tls1_3;  // k6 tlsVersion.max
};

// The client certificate offered to `host`: the first entry listing it, else the first without domains.
const TlsClientCert* client_cert_for(const TlsOptions& options, std::string_view host);

// Empty when `path` is a readable PEM file with at least one CA certificate, else why not.
std::string check_ca_file(const std::string& path);
// Empty when both files are readable PEM and the key belongs to the certificate, else why not;
// *key_at_fault says whether the key file (rather than the certificate) is the problem.
std::string check_client_cert(const std::string& cert_file, const std::string& key_file, bool* key_at_fault);

}  // namespace perfval::http
