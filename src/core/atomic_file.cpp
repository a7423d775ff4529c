// write_file_atomically: temporary file + fsync + rename, so no half-written file survives.
#include "soma/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "soma/core/error.hpp"

namespace soma {

namespace {

[[noreturn]] void fail(const std::string& path, const char* step, int error_number) {
  throw Error("cannot write '" + path + "': " + step + ": " + std::strerror(error_number));
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  // The temporary file sits beside the target, so the rename stays on one file system and
  // is atomic. It is created with O_EXCL and mode 0666, so the user's umask applies; a
  // short hidden name keeps long target names within the file-name limit.
  const std::filesystem::path target(path);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  static std::atomic<unsigned> counter{0};
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temporary = (directory /
                 (".soma-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".tmp"))
                    .string();
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100)) {
      fail(path, "creating a temporary file", errno);
    }
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      fail(path, "writing", saved);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    fail(path, "flushing", saved);
  }
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    fail(path, "closing", saved);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    fail(path, "renaming the temporary file", saved);
  }
  // Make the rename itself durable; the data is already safe, so failure here is ignored.
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
}

}  // namespace soma
