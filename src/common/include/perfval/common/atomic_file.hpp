// Atomic file writes (temp file in the same directory, fsync, rename) so readers never see half a result.
#pragma once

#include <string>
#include <string_view>

namespace perfval {

// Writes `content` to `path` atomically, creating parent directories. Throws Error naming the path.
void write_file_atomic(const std::string& path, std::string_view content);

// Reads a whole file; throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);

// A new directory only this user can enter (mkdtemp: a name nobody could have prepared, mode 0700) in the
// system's temp directory, named `<prefix>-XXXXXX`, removed with what it holds when this goes out of scope.
// Throws Error when it cannot be made.
class PrivateTempDir {
 public:
  explicit PrivateTempDir(const std::string& prefix);
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace perfval
