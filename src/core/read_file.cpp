// read_file: open non-blocking, check the file type, then read everything.
#include "soma/core/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "soma/core/error.hpp"

namespace soma {

std::string read_file(const std::string& path) {
  // Non-blocking, so that a FIFO cannot stall the open before the type check rejects it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw Error(path + ": cannot read: " + std::strerror(errno));
  if (S_ISDIR(status.st_mode)) throw Error(path + ": cannot open: " + std::strerror(EISDIR));
  if (!S_ISREG(status.st_mode)) throw Error(path + ": cannot open: not a regular file");

  std::string contents;
  contents.reserve(static_cast<size_t>(status.st_size));
  std::array<char, 1 << 16> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(path + ": cannot read: " + std::strerror(errno));
    }
    if (n == 0) break;
    contents.append(buffer.data(), static_cast<size_t>(n));
  }
  return contents;
}

}  // namespace soma
