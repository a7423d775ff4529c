// write_file_atomically: temporary file + fsync + rename, so no half-written file survives;
// the temporaries of killed saves of the same target are removed on the next save.
#include "soma/core/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "soma/core/error.hpp"

namespace soma {

namespace {

// Messages name the target only: a temporary's name means nothing to the user.
[[noreturn]] void fail(const std::string& path, const char* step, int error_number) {
  throw Error("cannot write '" + path + "': " + step + ": " + std::strerror(error_number));
}

// Writes all of `contents` to `fd`; returns 0 or the errno of the failed write.
int write_all(int fd, std::string_view contents) {
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<size_t>(n);
  }
  return 0;
}

// Temporaries are named ".TAG.soma-PID-COUNTER.tmp", TAG saying which target they belong
// to: the target's file name, or, when that is 200 bytes or longer, its first 183 bytes,
// '~' and 16 hex digits of a hash of the whole name. Plain tags are shorter than 200
// bytes and shortened ones exactly 200, so two targets never share a tag, and the longest
// temporary name (200 + 32 bytes) stays within the 255-byte limit of a file name.
constexpr size_t longest_plain_tag = 199;
constexpr size_t shortened_prefix = 183;
constexpr std::string_view temporary_marker = ".soma-";
constexpr std::string_view temporary_suffix = ".tmp";

std::string target_tag(const std::string& file_name) {
  if (file_name.size() <= longest_plain_tag) return file_name;
  uint64_t hash = 14695981039346656037ULL;  // 64-bit FNV-1a
  for (const char c : file_name) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(hash));
  return file_name.substr(0, shortened_prefix) + "~" + digits;
}

// The PID in `entry` if it is a temporary of the target tagged `tag`, else 0: the name
// must be exactly ".TAG.soma-PID-COUNTER.tmp", so one target's pattern never matches
// another's temporaries.
pid_t temporary_owner(std::string_view entry, const std::string& tag) {
  const size_t prefix = 1 + tag.size() + temporary_marker.size();
  if (entry.size() <= prefix + temporary_suffix.size() || entry[0] != '.' ||
      entry.substr(1, tag.size()) != tag ||
      entry.substr(1 + tag.size(), temporary_marker.size()) != temporary_marker ||
      !entry.ends_with(temporary_suffix)) {
    return 0;
  }
  const std::string_view numbers =
      entry.substr(prefix, entry.size() - prefix - temporary_suffix.size());
  pid_t pid = 0;
  unsigned counter = 0;
  const auto [dash, pid_error] =
      std::from_chars(numbers.data(), numbers.data() + numbers.size(), pid);
  if (pid_error != std::errc() || pid <= 0 || dash == numbers.data() + numbers.size() ||
      *dash != '-') {
    return 0;
  }
  const auto [end, counter_error] =
      std::from_chars(dash + 1, numbers.data() + numbers.size(), counter);
  if (counter_error != std::errc() || end != numbers.data() + numbers.size() || dash + 1 == end) {
    return 0;
  }
  return pid;
}

bool process_exists(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

// Removes the temporaries that saves of this target left when they were killed between
// creating and renaming them. A temporary is stale only when both the process its name
// names is gone and nobody holds its lock: a live writer keeps an exclusive flock on its
// temporary until the rename, which also covers a writer in another PID namespace whose
// PID means nothing here. Failures are ignored: this is tidying, not the save.
void remove_stale_temporaries(const std::filesystem::path& directory, const std::string& tag) {
  DIR* listing = ::opendir(directory.c_str());
  if (listing == nullptr) return;
  const int directory_fd = ::dirfd(listing);
  while (const dirent* entry = ::readdir(listing)) {
    const pid_t owner = temporary_owner(entry->d_name, tag);
    if (owner == 0 || process_exists(owner)) continue;
    const int fd =
        ::openat(directory_fd, entry->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat opened {};
    struct stat named {};
    // Still the file we locked, not one put in its place meanwhile.
    if (::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) &&
        ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::fstatat(directory_fd, entry->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
        named.st_dev == opened.st_dev && named.st_ino == opened.st_ino) {
      ::unlinkat(directory_fd, entry->d_name, 0);
    }
    ::close(fd);
  }
  ::closedir(listing);
}

// A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over
// it would replace the device node itself.
void write_in_place(const std::string& path, std::string_view contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) fail(path, "opening", errno);
  if (const int error = write_all(fd, contents); error != 0) {
    ::close(fd);
    fail(path, "writing", error);
  }
  if (::close(fd) != 0) fail(path, "closing", errno);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (S_ISDIR(existing.st_mode)) throw Error("cannot write '" + path + "': it is a directory");
    write_in_place(path, contents);
    return;
  }
  // The temporary file sits beside the target, so the rename stays on one file system and
  // is atomic. It is created with O_EXCL and mode 0666, so the user's umask applies.
  const std::filesystem::path target(path);
  const std::filesystem::path directory =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const std::string tag = target_tag(target.filename().string());
  remove_stale_temporaries(directory, tag);
  static std::atomic<unsigned> counter{0};
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temporary =
        (directory / ("." + tag + std::string(temporary_marker) + std::to_string(::getpid()) + "-" +
                      std::to_string(counter++) + std::string(temporary_suffix)))
            .string();
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100)) {
      fail(path, "creating a temporary file", errno);
    }
  }
  // Held until after the rename, so that no other save takes this temporary for stale;
  // a file system without flock still gets the PID test.
  ::flock(fd, LOCK_EX | LOCK_NB);
  auto give_up = [&](const char* step, int error_number) {
    ::close(fd);
    ::unlink(temporary.c_str());
    fail(path, step, error_number);
  };
  if (const int error = write_all(fd, contents); error != 0) give_up("writing", error);
  if (::fsync(fd) != 0) give_up("flushing", errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) give_up("renaming", errno);
  // The data is flushed already, so a failed close cannot lose it.
  ::close(fd);
  // Make the rename itself durable; the data is already safe, so failure here is ignored.
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
}

}  // namespace soma
