// draw_with_graphviz: dot spawned with its three pipes served together by poll.
#include "graphviz.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "soma/core/error.hpp"

extern char** environ;

namespace soma::cli {

namespace {

// The two ends of a pipe, closed when it goes out of scope; `path` is the picture it is for.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  explicit Pipe(const std::string& path) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      throw Error("cannot write '" + path +
                  "': making a pipe to Graphviz's dot: " + std::strerror(errno));
    }
    read_end = ends[0];
    write_end = ends[1];
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close(read_end);
    close(write_end);
  }
  static void close(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Writing into a pipe whose reader has gone raises SIGPIPE, which would end soma; while
// this lives, such a write fails with EPIPE instead.
class IgnoreBrokenPipes {
 public:
  IgnoreBrokenPipes() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &saved_);
  }
  IgnoreBrokenPipes(const IgnoreBrokenPipes&) = delete;
  IgnoreBrokenPipes& operator=(const IgnoreBrokenPipes&) = delete;
  ~IgnoreBrokenPipes() { ::sigaction(SIGPIPE, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
};

// More than any drawing of a network --level allows; a dot that writes on and on is stopped.
constexpr size_t largest_picture = size_t{1} << 30;
constexpr size_t longest_message = 4096;  // of dot's standard error, for the error line

// The folders PATH names, as posix_spawnp reads them: split at ':', an empty entry the
// current folder, and the system's default path (confstr) when PATH is unset.
std::vector<std::string> path_folders() {
  std::string list;
  if (const char* path = std::getenv("PATH")) {
    list = path;
  } else {
    list.resize(::confstr(_CS_PATH, nullptr, 0));
    if (!list.empty()) ::confstr(_CS_PATH, list.data(), list.size());
    list = list.c_str();  // without confstr's terminating null
  }
  std::vector<std::string> folders;
  size_t start = 0;
  while (true) {
    const size_t end = list.find(':', start);
    const std::string folder = list.substr(start, end == std::string::npos ? end : end - start);
    folders.push_back(folder.empty() ? "." : folder);
    if (end == std::string::npos) return folders;
    start = end + 1;
  }
}

// Starts `dot_program -T<format>` reading `input`, writing `output` and `errors`; returns
// its process id. dot gets SIGPIPE's default action back, whatever soma does with it.
pid_t spawn_dot(const std::string& dot_program, const std::string& format, const Pipe& input,
                const Pipe& output, const Pipe& errors, const std::string& path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input.read_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.write_end, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  const std::string type = "-T" + format;
  const char* arguments[] = {"dot", type.c_str(), nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, dot_program.c_str(), &actions, &attributes,
                                    const_cast<char* const*>(arguments), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  // ENOENT: dot went away since find_graphviz_dot saw it.
  if (spawned == ENOENT) throw Error(missing_graphviz_message(path));
  if (spawned != 0) {
    throw Error("cannot write '" + path + "': running Graphviz's dot: " + std::strerror(spawned));
  }
  return child;
}

// What dot gave back: its picture (standard output), its messages (standard error), and
// whether it stopped reading early or wrote too much (then it is killed).
struct DotExchange {
  std::string picture;
  std::string messages;
  bool stopped_reading = false;  // dot closed its input before the end of the text
  bool too_large = false;
};

// Sends `dot_text` to dot's input while reading its two outputs, until all three close.
DotExchange exchange_with_dot(const std::string& dot_text, Pipe& input, Pipe& output, Pipe& errors,
                              pid_t child) {
  DotExchange result;
  std::string& picture = result.picture;
  std::string& messages = result.messages;
  size_t sent = 0;
  if (dot_text.empty()) Pipe::close(input.write_end);
  while (input.write_end >= 0 || output.read_end >= 0 || errors.read_end >= 0) {
    pollfd waiting[3] = {
        {input.write_end, POLLOUT, 0}, {output.read_end, POLLIN, 0}, {errors.read_end, POLLIN, 0}};
    if (::poll(waiting, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (waiting[0].revents != 0) {
      const ssize_t n = ::write(input.write_end, dot_text.data() + sent, dot_text.size() - sent);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 && errno != EINTR && errno != EAGAIN) result.stopped_reading = true;
      if (sent == dot_text.size() || result.stopped_reading) Pipe::close(input.write_end);
    }
    char buffer[65536];
    for (int which = 1; which <= 2; ++which) {
      if (waiting[which].revents == 0) continue;
      int& fd = which == 1 ? output.read_end : errors.read_end;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        Pipe::close(fd);
      } else if (which == 2) {
        messages.append(buffer,
                        std::min(static_cast<size_t>(n), longest_message - messages.size()));
      } else if (picture.size() + static_cast<size_t>(n) > largest_picture) {
        result.too_large = true;
        ::kill(child, SIGKILL);
        Pipe::close(fd);
      } else {
        picture.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  // All closed by now, unless poll failed: closing them lets a blocked dot end.
  Pipe::close(input.write_end);
  Pipe::close(output.read_end);
  Pipe::close(errors.read_end);
  return result;
}

}  // namespace

std::optional<std::string> find_graphviz_dot() {
  for (const std::string& folder : path_folders()) {
    const std::string candidate = folder + "/dot";
    struct stat status {};
    if (::stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string missing_graphviz_message(const std::string& path) {
  const std::string text = std::filesystem::path(path).replace_extension(".dot").string();
  return "writing '" + path +
         "' needs Graphviz's dot, which is not on the PATH: install Graphviz (apt-get install "
         "graphviz), or write '" +
         text + "' (DOT text, which needs nothing)";
}

// Runs Graphviz's `dot -T<format>` with `dot_text` on its standard input and returns the
// picture it writes on its standard output; `path` is only for messages. No file is made
// on the way, so the caller writes the picture with write_file_atomically and every failure
// names the target. dot's three pipes are served together with poll: writing all the text
// first and reading afterwards would deadlock once both pipes fill up (dot may start
// writing, or warning, before it has read everything).
std::string draw_with_graphviz(const std::string& dot_text, const std::string& format,
                               const std::string& path) {
  Pipe input(path);
  Pipe output(path);
  Pipe errors(path);
  const std::optional<std::string> dot_program = find_graphviz_dot();
  if (!dot_program) throw Error(missing_graphviz_message(path));
  const pid_t child = spawn_dot(*dot_program, format, input, output, errors, path);
  Pipe::close(input.read_end);
  Pipe::close(output.write_end);
  Pipe::close(errors.write_end);
  ::fcntl(input.write_end, F_SETFL, ::fcntl(input.write_end, F_GETFL) | O_NONBLOCK);

  const IgnoreBrokenPipes ignore_broken_pipes;
  const DotExchange exchange = exchange_with_dot(dot_text, input, output, errors, child);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string failed = "Graphviz's dot failed to draw '" + path + "'";
  if (exchange.too_large) {
    throw Error(failed + ": it wrote more than " + std::to_string(largest_picture >> 20) + " MiB");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // dot's first line of complaint, if it made one, else how it ended.
    std::string reason = exchange.messages.substr(0, exchange.messages.find('\n'));
    if (reason.empty()) {
      reason = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                   : "exit code " + std::to_string(WEXITSTATUS(status));
    }
    throw Error(failed + ": " + reason);
  }
  if (exchange.stopped_reading) {
    throw Error(failed + ": it stopped reading the graph before its end");
  }
  if (exchange.picture.empty()) throw Error(failed + ": it wrote nothing");
  std::fputs(exchange.messages.c_str(), stderr);  // warnings of a drawing that worked
  return exchange.picture;
}

}  // namespace soma::cli
