// Atomic file writes (temp file in the same directory, fsync, rename) so readers never see half a result.
#pragma once

#include <string>
#include <string_view>

namespace perfval {

// Writes `content` to `path` atomically, creating parent directories. Throws Error naming the path.
void write_file_atomic(const std::string& path, std::string_view content);

// Reads a whole file; throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace perfval
