// Reads how a scenario reaches its target: k6's top-level TLS options (insecureSkipTLSVerify, tlsAuth,
// tlsVersion), target.ca_file and target.unix_socket; unreadable files are rejected here, before the run.
#include "perfval/common/did_you_mean.hpp"
#include "perfval/http/url.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen::detail {

namespace {

constexpr std::size_t kMaxUnixPath = 107;  // sizeof(sockaddr_un::sun_path) - 1 on Linux

http::TlsVersion parse_version(const YamlValue& v) {
  const std::string text = v.as_string();
  if (text == "tls1.2") return http::TlsVersion::tls1_2;
  if (text == "tls1.3") return http::TlsVersion::tls1_3;
  if (text == "tls1.0" || text == "tls1.1" || text == "ssl3.0") {
    v.fail(v.as_written() + " is out of range: OpenSSL 3 on Debian 12 refuses it; use tls1.2 or tls1.3");
  }
  v.fail("unknown TLS version \"" + v.as_written() + "\"" + did_you_mean_suffix(text, {"tls1.2", "tls1.3"}) +
         "; versions are tls1.2 and tls1.3");
}

void parse_tls_version(const YamlValue& v, http::TlsOptions& tls) {
  if (!v.is_map()) {
    tls.min_version = tls.max_version = parse_version(v);
    return;
  }
  v.check_keys({"min", "max"});
  if (auto m = v.get("min")) tls.min_version = parse_version(*m);
  if (auto m = v.get("max")) tls.max_version = parse_version(*m);
  if (tls.min_version > tls.max_version) {
    fail_at_key(v, "max", std::string("max ") + to_string(tls.max_version) + " is below min " +
                              to_string(tls.min_version));
  }
}

std::string file_path(const YamlValue& node) {
  const std::string path = node.as_string();
  if (path.empty()) node.fail("expected a file path");
  return resolve_path(node, path);
}

http::TlsClientCert parse_client_cert(const YamlValue& item) {
  item.check_keys({"cert", "key", "domains"});
  http::TlsClientCert c;
  const YamlValue cert = item.require("cert");
  const YamlValue key = item.require("key");
  c.cert_file = file_path(cert);
  c.key_file = file_path(key);
  if (auto d = item.get("domains"); d && !d->is_null()) {
    for (const auto& name : d->is_sequence() ? d->items() : std::vector<YamlValue>{*d}) {
      c.domains.push_back(name.as_string());
    }
  }
  bool key_at_fault = false;
  const std::string why = http::check_client_cert(c.cert_file, c.key_file, &key_at_fault);
  if (!why.empty()) (key_at_fault ? key : cert).fail(why);
  return c;
}

}  // namespace

const std::vector<std::string>& tls_option_keys() {
  static const std::vector<std::string> keys = {"insecureSkipTLSVerify", "tlsAuth", "tlsVersion"};
  return keys;
}

void parse_tls_options(const YamlValue& root, http::TlsOptions& tls) {
  if (auto v = root.get("insecureSkipTLSVerify"); v && !v->is_null()) tls.insecure_skip_verify = v->as_bool();
  if (auto v = root.get("tlsVersion"); v && !v->is_null()) parse_tls_version(*v, tls);
  if (auto v = root.get("tlsAuth"); v && !v->is_null()) {
    for (const auto& item : v->is_sequence() ? v->items() : std::vector<YamlValue>{*v}) {
      tls.client_certs.push_back(parse_client_cert(item));
    }
  }
}

void parse_target_transport(const YamlValue& target, Scenario& s) {
  s.tls.ca_file.clear();
  s.unix_socket.clear();
  s.unix_socket_as_written.clear();
  if (auto v = target.get("ca_file"); v && !v->is_null() && !v->as_string().empty()) {
    const std::string path = file_path(*v);
    const std::string why = http::check_ca_file(path);
    if (!why.empty()) v->fail(why);
    s.tls.ca_file = path;
  }
  if (auto v = target.get("unix_socket"); v && !v->is_null() && !v->as_string().empty()) {
    if (s.embedded) v->fail("the embedded target listens on TCP; unix_socket needs a base_url");
    const std::string path = resolve_path(*v, v->as_string());
    if (path.size() > kMaxUnixPath) {
      v->fail("a Unix socket path has at most " + std::to_string(kMaxUnixPath) + " bytes, this one " +
              std::to_string(path.size()));
    }
    s.unix_socket = path;
    s.unix_socket_as_written = v->as_written();
  }
}

void check_transport(const YamlValue& map, const Scenario& s) {
  if (s.unix_socket.empty() || s.base_url.rfind("https:", 0) != 0) return;
  throw Error(map.location(), map.field().empty() ? "target.unix_socket" : map.field() + ".target.unix_socket",
              "HTTPS over a Unix socket is not supported; use an http:// base_url with unix_socket");
}

}  // namespace perfval::loadgen::detail
