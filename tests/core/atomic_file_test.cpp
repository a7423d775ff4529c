// Tests write_file_atomically: the file holds exactly the new contents, an old file is
// replaced, every failure throws soma::Error naming the target (never the temporary) and
// leaves no temporary file, devices are written in place, and a killed save's temporary is
// removed by the next save of the same target only.
#include "soma/core/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// A directory in the way is refused before anything is written, and left as it was.
TEST_F(AtomicFileTest, ADirectoryTargetIsRefusedAndKept) {
  const fs::path path = directory_ / "target";
  fs::create_directory(path);
  soma::testing::write_plain_file(path / "inside.txt", "kept");
  EXPECT_SOMA_ERROR(soma::write_file_atomically(path.string(), "data"),
                    "cannot write '" + path.string() + "': it is a directory");
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
  EXPECT_EQ(message.find(".soma-"), std::string::npos) << message;
  EXPECT_EQ(soma::testing::read_whole_file(path), "old contents");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"out.txt"});
}

// /dev/full fails every write with ENOSPC, like a full disk. A device is written in place,
// never replaced by a renamed file. The target is a link to it in the test's directory, as
// `--out picture.svg` on a full disk would be: naming /dev/full itself would let a broken
// write_file_atomically, run as root, rename a file over the system's /dev/full.
TEST_F(AtomicFileTest, AFullDeviceFailsNamingTheTargetAndStaysADevice) {
  struct stat device {};
  if (::stat("/dev/full", &device) != 0 || !S_ISCHR(device.st_mode)) {
    GTEST_SKIP() << "no /dev/full";
  }
  const fs::path link = directory_ / "picture.svg";
  fs::create_symlink("/dev/full", link);
  EXPECT_SOMA_ERROR(soma::write_file_atomically(link.string(), "data"),
                    "cannot write '" + link.string() + "': writing: No space left on device");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"picture.svg"});
  EXPECT_TRUE(fs::is_symlink(link));
}

TEST_F(AtomicFileTest, ALinkToDevNullIsWrittenThroughNotReplaced) {
  struct stat device {};
  if (::stat("/dev/null", &device) != 0 || !S_ISCHR(device.st_mode)) GTEST_SKIP() << "no /dev/null";
  const fs::path link = directory_ / "discarded.soma";
  fs::create_symlink("/dev/null", link);
  soma::write_file_atomically(link.string(), "discarded");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), "/dev/null");
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"discarded.soma"});
}

// A directory nobody may create files in: ours made read-only, or, as root (who may write
// there anyway), /sys, where not even root can create a file.
TEST_F(AtomicFileTest, AnUnwritableDirectoryFailsNamingTheTarget) {
  fs::path unwritable = directory_;
  if (::geteuid() == 0) {
    unwritable = "/sys";
  } else {
    fs::permissions(directory_, fs::perms::owner_read | fs::perms::owner_exec);
  }
  const fs::path probe = unwritable / ("soma-probe-" + std::to_string(::getpid()));
  const int probe_fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (probe_fd >= 0) {
    ::close(probe_fd);
    ::unlink(probe.c_str());
    fs::permissions(directory_, fs::perms::owner_all);
    GTEST_SKIP() << "no directory that this user cannot write";
  }
  const fs::path path = unwritable / "model.soma";
  const std::string message =
      error_message([&] { soma::write_file_atomically(path.string(), "data"); });
  fs::permissions(directory_, fs::perms::owner_all);
  EXPECT_EQ(message.rfind("cannot write '" + path.string() + "': creating a temporary file: ", 0),
            0u)
      << message;
  EXPECT_EQ(message.find(".soma-"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(path));
}

// A save killed between creating its temporary and renaming it: a child process writes
// past a file size limit and SIGXFSZ kills it half-way through the write, leaving the
// temporary behind.
class StaleTemporaryTest : public AtomicFileTest {
 protected:
  void kill_a_save_of(const fs::path& path) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      const rlimit small{16, 16};
      ::setrlimit(RLIMIT_FSIZE, &small);
      std::signal(SIGXFSZ, SIG_DFL);
      try {
        soma::write_file_atomically(path.string(), std::string(4096, 'x'));
      } catch (...) {
      }
      ::_exit(0);  // not reached: SIGXFSZ ends the child inside the write
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ) << status;
  }
  std::vector<std::string> sorted_entries() const {
    std::vector<std::string> names = soma::testing::entries(directory_);
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(StaleTemporaryTest, TheNextSaveOfTheSameTargetRemovesAKilledSavesTemporary) {
  const fs::path path = directory_ / "model.soma";
  kill_a_save_of(path);
  const std::vector<std::string> left = sorted_entries();
  ASSERT_EQ(left.size(), 1u);
  // The temporary says whose it is.
  EXPECT_EQ(left[0].rfind(".model.soma.soma-", 0), 0u) << left[0];

  soma::write_file_atomically(path.string(), "saved");
  EXPECT_EQ(sorted_entries(), std::vector<std::string>{"model.soma"});
  EXPECT_EQ(soma::testing::read_whole_file(path), "saved");
}

// A name of 255 bytes, the longest a file may have: its temporary still fits, and is still
// recognised as the target's.
TEST_F(StaleTemporaryTest, LongTargetNamesGetTemporariesThatFitAndAreCleanedUp) {
  const fs::path path = directory_ / std::string(255, 'n');
  kill_a_save_of(path);
  const std::vector<std::string> left = sorted_entries();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_LE(left[0].size(), 255u);
  const fs::path neighbour = directory_ / (std::string(254, 'n') + "m");  // same first bytes
  soma::write_file_atomically(neighbour.string(), "neighbour");
  EXPECT_EQ(sorted_entries(), (std::vector<std::string>{left[0], neighbour.filename().string()}));
  soma::write_file_atomically(path.string(), "saved");
  EXPECT_EQ(sorted_entries(),
            (std::vector<std::string>{neighbour.filename().string(), path.filename().string()}));
}

TEST_F(StaleTemporaryTest, AnotherTargetsAndLiveSavesTemporariesStay) {
  const fs::path path = directory_ / "a.soma";
  kill_a_save_of(directory_ / "b.soma");  // another target's
  const std::string other = sorted_entries().at(0);
  kill_a_save_of(path);  // this target's, but locked below, as a live writer would hold it
  std::vector<std::string> names = sorted_entries();
  names.erase(std::find(names.begin(), names.end(), other));
  const std::string locked = names.at(0);
  // One whose process is alive (this one), the name a save of this process would use.
  const std::string live = ".a.soma.soma-" + std::to_string(::getpid()) + "-4000000000.tmp";
  soma::testing::write_plain_file(directory_ / live, "a save in progress");
  const int lock_fd = ::open((directory_ / locked).c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(lock_fd, 0);
  ASSERT_EQ(::flock(lock_fd, LOCK_EX | LOCK_NB), 0);

  soma::write_file_atomically(path.string(), "saved");
  std::vector<std::string> expected = {"a.soma", other, locked, live};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_entries(), expected);

  ::close(lock_fd);  // the writer is gone now: the next save tidies its temporary
  soma::write_file_atomically(path.string(), "saved again");
  expected = {"a.soma", other, live};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_entries(), expected);
  EXPECT_EQ(soma::testing::read_whole_file(directory_ / live), "a save in progress");
}

}  // namespace
