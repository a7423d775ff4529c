// Tests write_file_atomically: the file holds exactly the new contents, an old file is
// replaced, and every failure throws soma::Error naming the path, leaving no temporary file.
#include "soma/core/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace {

using soma::testing::error_message;

namespace fs = std::filesystem;

// Each test works in its own fresh directory (tests/support).
using AtomicFileTest = soma::testing::TemporaryDirectoryTest;

TEST_F(AtomicFileTest, WritesTheContents) {
  const fs::path path = directory_ / "out.txt";
  soma::write_file_atomically(path.string(), "first line\nsecond line\n");
  EXPECT_EQ(soma::testing::read_whole_file(path), "first line\nsecond line\n");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, WritesBinaryContentsWithZeroBytes) {
  const fs::path path = directory_ / "out.bin";
  const std::string contents("a\0b\0\xff", 5);
  soma::write_file_atomically(path.string(), contents);
  EXPECT_EQ(soma::testing::read_whole_file(path), contents);
}

TEST_F(AtomicFileTest, WritesAnEmptyFile) {
  const fs::path path = directory_ / "empty.txt";
  soma::write_file_atomically(path.string(), "");
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(AtomicFileTest, ReplacesAnOldFileCompletely) {
  const fs::path path = directory_ / "out.txt";
  soma::testing::write_plain_file(path, "old contents, longer than the new ones");
  soma::write_file_atomically(path.string(), "new");
  EXPECT_EQ(soma::testing::read_whole_file(path), "new");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"out.txt"});
}

// Like any file the user creates: mode 0666 less the umask (0644 under the usual 022).
TEST_F(AtomicFileTest, GivesTheFileTheUsualPermissions) {
  const fs::path path = directory_ / "out.txt";
  soma::write_file_atomically(path.string(), "x");
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const auto perms = static_cast<unsigned>(fs::status(path).permissions() & fs::perms::mask);
  EXPECT_EQ(perms, 0666u & ~static_cast<unsigned>(mask));
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsNamingThePathAndLeavesNothing) {
  const fs::path path = directory_ / "missing" / "out.txt";
  const std::string message =
      error_message([&] { soma::write_file_atomically(path.string(), "data"); });
  EXPECT_EQ(message.rfind("cannot write '" + path.string() + "': ", 0), 0u) << message;
  EXPECT_FALSE(fs::exists(directory_ / "missing"));
  EXPECT_TRUE(soma::testing::entries(directory_).empty());
}

// The temporary file is written, then cannot be renamed onto a directory: it must be removed
// and the directory (with its contents) left as it was.
TEST_F(AtomicFileTest, FailedRenameRemovesTheTemporaryFileAndKeepsTheTarget) {
  const fs::path path = directory_ / "target";
  fs::create_directory(path);
  soma::testing::write_plain_file(path / "inside.txt", "kept");
  const std::string message =
      error_message([&] { soma::write_file_atomically(path.string(), "data"); });
  EXPECT_NE(message.find("'" + path.string() + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("renaming"), std::string::npos) << message;
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"target"});
  EXPECT_EQ(soma::testing::read_whole_file(path / "inside.txt"), "kept");
}

// A file size limit makes write() fail half-way (EFBIG, with SIGXFSZ ignored), which also
// works when the tests run as root: the old file must keep its contents.
TEST_F(AtomicFileTest, FailedWriteKeepsTheOldFileIntact) {
  const fs::path path = directory_ / "out.txt";
  soma::testing::write_plain_file(path, "old contents");

  rlimit saved_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
  rlimit small_limit = saved_limit;
  small_limit.rlim_cur = 16;
  const auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small_limit), 0);
  const std::string message =
      error_message([&] { soma::write_file_atomically(path.string(), std::string(4096, 'x')); });
  ::setrlimit(RLIMIT_FSIZE, &saved_limit);
  std::signal(SIGXFSZ, saved_handler);

  EXPECT_EQ(message.rfind("cannot write '" + path.string() + "': writing: ", 0), 0u) << message;
  EXPECT_EQ(soma::testing::read_whole_file(path), "old contents");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"out.txt"});
}

}  // namespace
