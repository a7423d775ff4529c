// write_file_atomically: temporary file + fsync + rename, so no half-written file survives.
#include "soma/core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "soma/core/error.hpp"

namespace soma {

namespace {

[[noreturn]] void fail(const std::string& path, const char* step, int error_number) {
  throw Error("cannot write '" + path + "': " + step + ": " + std::strerror(error_number));
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  // mkstemp wants a mutable template in the target's directory, so the rename stays on
  // one file system and is atomic.
  std::string temporary = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) fail(path, "creating a temporary file", errno);
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
  // mkstemp creates the file 0600; give it the usual permissions for a user's output.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    fail(path, "flushing", saved);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    fail(path, "renaming the temporary file", saved);
  }
}

}  // namespace soma
