// Test helper: a private PKI made with the openssl command line for one test process — a CA, a server
// certificate for localhost and 127.0.0.1 signed by it, a client certificate (mTLS), and an unrelated CA.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace perfval::test {

struct TestPki {
  std::string dir;          // where the files are
  std::string ca_cert;      // the private CA (PEM)
  std::string server_cert;  // CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by ca_cert
  std::string server_key;
  std::string client_cert;  // clientAuth, signed by ca_cert
  std::string client_key;
  std::string other_ca_cert;  // a CA that signed nothing here
};

namespace pki_detail {
inline void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}
inline void make_ca(const std::string& base, const std::string& cn) {
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout " + base +
      ".key -out " + base + ".pem -subj '/CN=" + cn + "' -addext basicConstraints=critical,CA:TRUE"
      " -addext keyUsage=critical,keyCertSign,cRLSign");
}
inline void make_leaf(const std::string& dir, const std::string& name, const std::string& cn, const std::string& ext) {
  const std::string base = dir + "/" + name;
  std::ofstream(base + ".ext") << ext;
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + base + ".key -out " + base +
      ".csr -subj '/CN=" + cn + "'");
  run("openssl x509 -req -in " + base + ".csr -CA " + dir + "/ca.pem -CAkey " + dir + "/ca.key -CAcreateserial -days 2"
      " -out " + base + ".pem -extfile " + base + ".ext");
}
}  // namespace pki_detail

// Removes the directory when the test process ends.
struct TestPkiOwner {
  TestPki pki;
  ~TestPkiOwner() {
    std::error_code ignored;
    std::filesystem::remove_all(pki.dir, ignored);
  }
};

// Makes the files under a fresh directory in /tmp (once per process; later calls return the same files).
inline const TestPki& test_pki() {
  static const TestPkiOwner owner{[] {
    TestPki p;
    p.dir = (std::filesystem::temp_directory_path() / ("perfval-pki-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(p.dir);
    pki_detail::make_ca(p.dir + "/ca", "perfval test CA");
    pki_detail::make_ca(p.dir + "/other-ca", "perfval unrelated CA");
    pki_detail::make_leaf(p.dir, "server", "localhost",
                          "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    pki_detail::make_leaf(p.dir, "client", "perfval client", "extendedKeyUsage=clientAuth\n");
    p.ca_cert = p.dir + "/ca.pem";
    p.server_cert = p.dir + "/server.pem";
    p.server_key = p.dir + "/server.key";
    p.client_cert = p.dir + "/client.pem";
    p.client_key = p.dir + "/client.key";
    p.other_ca_cert = p.dir + "/other-ca.pem";
    return p;
  }()};
  return owner.pki;
}

}  // namespace perfval::test
