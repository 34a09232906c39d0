// Test helper: a real nginx on 127.0.0.1, started by the test with the `server { ... }` blocks it gives
// (use {PORT0}, {PORT1}, ... for free ports and {DIR} for its directory) and stopped when the helper goes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.hpp"

namespace perfval::test {

class Nginx {
 public:
  // `servers`: nginx `server` blocks; `ports`: how many {PORTn} placeholders to fill.
  Nginx(const std::string& servers, int ports) {
    dir_ = (std::filesystem::temp_directory_path() /
            ("perfval-nginx-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++)))
               .string();
    std::filesystem::create_directories(dir_ + "/html");
    std::string conf = servers;
    for (int i = 0; i < ports; ++i) ports_.push_back(free_loopback_port());
    for (int i = 0; i < ports; ++i) replace(conf, "{PORT" + std::to_string(i) + "}", std::to_string(ports_[i]));
    replace(conf, "{DIR}", dir_);
    std::ofstream(dir_ + "/nginx.conf")
        << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << dir_ << "/nginx.pid;\nerror_log " << dir_
        << "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << dir_ << "/tmp;\n  proxy_temp_path " << dir_ << "/tmp;\n"
        << "  fastcgi_temp_path " << dir_ << "/tmp;\n  uwsgi_temp_path " << dir_ << "/tmp;\n"
        << "  scgi_temp_path " << dir_ << "/tmp;\n" << conf << "\n}\n";
    std::filesystem::create_directories(dir_ + "/tmp");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("nginx", "nginx", "-p", dir_.c_str(), "-c", (dir_ + "/nginx.conf").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
    try {
      for (int port : ports_) wait_listening(static_cast<std::uint16_t>(port));
    } catch (...) {
      stop();
      throw;
    }
  }
  ~Nginx() { stop(); }
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  std::uint16_t port(int i = 0) const { return static_cast<std::uint16_t>(ports_.at(i)); }
  const std::string& dir() const { return dir_; }  // {DIR}; html/ is there for files to serve

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    pid_ = -1;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  static void replace(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  }
  void wait_listening(std::uint16_t port) {
    for (int attempt = 0; attempt < 200; ++attempt) {  // up to 10 s on a loaded machine
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(port);
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      ::close(fd);
      if (up) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // already reaped
        throw std::runtime_error("nginx exited at start; see its configuration in " + dir_);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("nginx did not listen on port " + std::to_string(port));
  }

  std::string dir_;
  std::vector<int> ports_;
  pid_t pid_ = -1;
};

}  // namespace perfval::test
