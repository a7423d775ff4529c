// End-to-end tests of `soma graph` writing pictures: dot reads the graph from a pipe and the
// picture is written atomically, so every failure (a full disk, an unwritable directory,
// dot's own) names the target, leaves the previous picture as it was and no file beside it;
// and networks too large to draw or to build are refused before any work.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.hpp"

namespace soma::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> sorted_entries(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The pictures go to `pictures_`; stand-ins for Graphviz's dot, shell scripts that act as
// dot would in some case, go to `tools_`, which `with_dot` puts first on the PATH.
class GraphCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    pictures_ = make_temporary_directory();
    tools_ = make_temporary_directory();
  }
  void TearDown() override {
    fs::remove_all(pictures_);
    fs::remove_all(tools_);
  }
  std::string picture(const std::string& name) const { return (pictures_ / name).string(); }
  void fake_dot(const std::string& script) const {
    const fs::path path = tools_ / "dot";
    std::ofstream(path) << "#!/bin/sh\n" << script << "\n";
    fs::permissions(path, fs::perms::owner_all);
  }
  // run_soma's environment text: the fake dot first on the PATH, and `timeout` so that a
  // deadlock between soma and dot fails the test instead of hanging it.
  std::string with_dot() const { return "PATH='" + tools_.string() + "':\"$PATH\" timeout 60"; }
  // A message about the target only: no temporary file is ever named.
  static void expect_about_target(const CommandResult& r, const std::string& target) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("'" + target + "'"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(".soma-"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(".tmp"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }

  fs::path pictures_;
  fs::path tools_;
};

TEST_F(GraphCommand, DrawsSvgAndPngWithGraphviz) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "no Graphviz dot";
  const CommandResult svg = run_soma("graph --arch 2-3-1 --out '" + picture("net.svg") + "'");
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_NE(read_file(picture("net.svg")).find("<svg"), std::string::npos);
  const CommandResult png = run_soma("graph --arch 2-3-1 --out '" + picture("net.png") + "'");
  ASSERT_EQ(png.exit_code, 0) << png.err;
  EXPECT_EQ(read_file(picture("net.png")).substr(0, 4), "\x89PNG");
  EXPECT_EQ(sorted_entries(pictures_), (std::vector<std::string>{"net.png", "net.svg"}));
}

// dot as `cat`: its picture is the graph itself, over 500 kB each way, far more than a
// pipe holds, so soma must read dot's output while it still writes dot's input.
TEST_F(GraphCommand, LargeGraphsPassThroughThePipesWithoutDeadlock) {
  fake_dot("exec cat");
  const CommandResult drawn =
      run_soma("graph --arch 2-100-100-1 --out '" + picture("net.svg") + "'", with_dot());
  ASSERT_EQ(drawn.exit_code, 0) << drawn.err;
  const CommandResult text =
      run_soma("graph --arch 2-100-100-1 --out '" + picture("net.dot") + "'");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string dot = read_file(picture("net.dot"));
  EXPECT_GT(dot.size(), 500'000u);
  EXPECT_EQ(read_file(picture("net.svg")), dot);
}

// A full disk: the file size limit makes the write of the picture fail half-way (EFBIG,
// with SIGXFSZ ignored), as ENOSPC would, even for root.
TEST_F(GraphCommand, AFullDiskNamesThePictureAndKeepsThePreviousOne) {
  fake_dot("exec cat");
  const std::string target = picture("net.svg");
  std::ofstream(target) << "the previous picture";
  const CommandResult r =
      run_soma("graph --arch 2-30-30-1 --out '" + target + "'",
               with_dot() + " sh -c 'trap \"\" XFSZ; ulimit -f 8; exec \"$0\" \"$@\"'");
  expect_about_target(r, target);
  EXPECT_NE(r.err.find("soma graph: error: cannot write '" + target + "': writing: File too large"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(target), "the previous picture");
  EXPECT_EQ(sorted_entries(pictures_), std::vector<std::string>{"net.svg"});
}

// /dev/full fails every write with ENOSPC; the target is a link to it.
TEST_F(GraphCommand, ADeviceThatIsFullNamesThePicture) {
  struct stat device {};
  if (::stat("/dev/full", &device) != 0 || !S_ISCHR(device.st_mode)) GTEST_SKIP() << "no /dev/full";
  const std::string target = picture("net.dot");
  fs::create_symlink("/dev/full", target);
  const CommandResult r = run_soma("graph --arch 2-3-1 --out '" + target + "'");
  expect_about_target(r, target);
  EXPECT_NE(r.err.find("cannot write '" + target + "': writing: No space left on device"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(sorted_entries(pictures_), std::vector<std::string>{"net.dot"});
  EXPECT_TRUE(fs::is_symlink(target));
}

// Once the graph went to a temporary .dot file first, and its error named that file.
TEST_F(GraphCommand, AnUnwritableDirectoryNamesThePicture) {
  fake_dot("exec cat");
  fs::path directory = pictures_;
  if (::geteuid() == 0) {
    directory = "/sys";  // where not even root can create a file
  } else {
    fs::permissions(pictures_, fs::perms::owner_read | fs::perms::owner_exec);
  }
  const fs::path probe = directory / ("soma-probe-" + std::to_string(::getpid()));
  const int probe_fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (probe_fd >= 0) {
    ::close(probe_fd);
    ::unlink(probe.c_str());
    fs::permissions(pictures_, fs::perms::owner_all);
    GTEST_SKIP() << "no directory that this user cannot write";
  }
  for (const char* name : {"net.svg", "net.dot"}) {
    SCOPED_TRACE(name);
    const std::string target = (directory / name).string();
    const CommandResult r = run_soma("graph --arch 2-3-1 --out '" + target + "'", with_dot());
    expect_about_target(r, target);
    // Refused up front when access() can tell (picture_output), else by the write itself.
    EXPECT_TRUE(r.err.find("cannot write '" + target + "': creating a temporary file: ") !=
                    std::string::npos ||
                r.err.find("--out: cannot write '" + target + "': the folder '" +
                           directory.string() + "' is not writable\n") != std::string::npos)
        << r.err;
  }
  fs::permissions(pictures_, fs::perms::owner_all);
}

TEST_F(GraphCommand, DotsFailuresNameThePictureAndKeepThePreviousOne) {
  const std::string target = picture("net.svg");
  std::ofstream(target) << "the previous picture";
  struct Case {
    const char* script;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"cat >/dev/null; echo 'Error: <stdin>: syntax error in line 1' >&2; echo more >&2; exit 1",
       "Graphviz's dot failed to draw '" + target + "': Error: <stdin>: syntax error in line 1"},
      {"cat >/dev/null; exit 3", "Graphviz's dot failed to draw '" + target + "': exit code 3"},
      {"cat >/dev/null; kill -9 $$",
       "Graphviz's dot failed to draw '" + target + "': killed by signal 9"},
      {"cat >/dev/null", "Graphviz's dot failed to draw '" + target + "': it wrote nothing"},
      // Gone before reading the whole graph (over 500 kB, more than a pipe holds).
      {"exit 0", "Graphviz's dot failed to draw '" + target +
                     "': it stopped reading the graph before its "
                     "end"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.script);
    fake_dot(c.script);
    const CommandResult r = run_soma("graph --arch 2-100-100-1 --out '" + target + "'", with_dot());
    expect_about_target(r, target);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(read_file(target), "the previous picture");
    EXPECT_EQ(sorted_entries(pictures_), std::vector<std::string>{"net.svg"});
  }
  const CommandResult missing =
      run_soma("graph --arch 2-3-1 --out '" + target + "'", "PATH='" + tools_.string() + "/none'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("writing '" + target + "' needs Graphviz's dot"), std::string::npos)
      << missing.err;
}

TEST_F(GraphCommand, NetworksTooLargeToDrawOrBuildAreRefusedUpFront) {
  // 2-16777216-1 once wrote 3.5 GB of DOT text.
  const CommandResult wide = run_soma("graph --arch 2-16777216-1 --out '" + picture("n.dot") + "'");
  EXPECT_EQ(wide.exit_code, 2);
  EXPECT_NE(wide.err.find("--level neuron draws an edge per weight: this network has 67108865 "
                          "parameters, more than 100000 (use --level layer, or a smaller network)"),
            std::string::npos)
      << wide.err;
  // 2^48 weights: once std::bad_alloc and exit code 1.
  const CommandResult huge =
      run_soma("graph --arch 2-16777216-16777216-1 --level layer --out '" + picture("n.dot") + "'");
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("a network of 281475060596737 parameters needs 1.0 PiB for its float32 "
                          "weights alone, more than this machine's "),
            std::string::npos)
      << huge.err;
  EXPECT_TRUE(sorted_entries(pictures_).empty());
  const CommandResult layer =
      run_soma("graph --arch 2-4096-4096-1 --level layer --out '" + picture("n.dot") + "'");
  EXPECT_EQ(layer.exit_code, 0) << layer.err;
}

}  // namespace
}  // namespace soma::testing
