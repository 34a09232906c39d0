// Tests for write_file_atomic / read_file: results appear whole, parents are created, failures name the path.
#include "perfval/common/atomic_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "perfval/common/error.hpp"

namespace perfval {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("perfval_atomic_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::size_t entries_in(const fs::path& d) const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d)) ++n;
    return n;
  }

  fs::path dir_;
};

TEST_F(AtomicFile, CreatesParentDirectories) {
  const fs::path path = dir_ / "a" / "b" / "summary.json";
  write_file_atomic(path.string(), "{\"ok\":true}\n");
  EXPECT_EQ(read_file(path.string()), "{\"ok\":true}\n");
}

TEST_F(AtomicFile, ReplacesContentAndLeavesNoTempFile) {
  const fs::path path = dir_ / "result.txt";
  write_file_atomic(path.string(), std::string(100'000, 'x'));
  write_file_atomic(path.string(), "short");
  EXPECT_EQ(read_file(path.string()), "short");
  EXPECT_EQ(entries_in(dir_), 1U) << "a temporary file was left behind";
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(AtomicFile, WritesEmptyAndBinaryContent) {
  const fs::path path = dir_ / "bin";
  const std::string binary("a\0b\xff", 4);
  write_file_atomic(path.string(), binary);
  EXPECT_EQ(read_file(path.string()), binary);
  write_file_atomic(path.string(), "");
  EXPECT_EQ(read_file(path.string()), "");
}

TEST_F(AtomicFile, UnwritableDirectoryThrowsErrorNamingThePath) {
  // A regular file where a directory should be: fails even for root, unlike permission bits.
  fs::create_directories(dir_);
  write_file_atomic((dir_ / "blocker").string(), "x");
  const std::string path = (dir_ / "blocker" / "sub" / "out.json").string();
  try {
    write_file_atomic(path, "data");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
    EXPECT_EQ(e.exit_code(), exit_code::usage);
  }
  EXPECT_EQ(read_file((dir_ / "blocker").string()), "x");
}

TEST_F(AtomicFile, TargetThatIsADirectoryThrowsAndKeepsNoTemp) {
  fs::create_directories(dir_ / "taken");
  const std::string path = (dir_ / "taken").string();
  try {
    write_file_atomic(path, "data");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
  EXPECT_EQ(entries_in(dir_), 1U) << "the temporary file must be removed after a failed rename";
}

TEST_F(AtomicFile, ReadMissingFileNamesIt) {
  const std::string path = (dir_ / "nope.txt").string();
  try {
    read_file(path);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": cannot open file"));
  }
}

}  // namespace
// Scratch space for a command's child processes: a fresh name each time, private to the user, gone afterwards.
TEST(PrivateTempDir, IsNewPrivateAndRemovedWithItsFiles) {
  std::string first, second;
  {
    const PrivateTempDir a("perfval-test"), b("perfval-test");
    first = a.path();
    second = b.path();
    EXPECT_NE(first, second);
    EXPECT_THAT(first, ::testing::HasSubstr("perfval-test-"));
    const auto perms = std::filesystem::status(first).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
    write_file_atomic(first + "/x/result.json", "{}");
  }
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_FALSE(std::filesystem::exists(second));
}

}  // namespace perfval
