// End-to-end tests of the picture options (train's --plot and --curves, graph's --out,
// grad's --dot): each writes by its file's extension, and a name with another extension or
// in a folder that cannot take it is refused with exit code 2 before any work or output, as
// is a drawing for Graphviz (.png, .svg, .pdf) when dot is not on the PATH.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

bool has_graphviz() {
  return std::system("command -v dot >/dev/null 2>&1") == 0;
}

class PictureOutput : public ::testing::Test {
 protected:
  void SetUp() override { directory_ = make_temporary_directory(); }
  void TearDown() override {
    fs::permissions(directory_, fs::perms::owner_all);
    fs::remove_all(directory_);
  }
  std::string path(const std::string& name) const { return (fs::path(directory_) / name).string(); }

  std::string directory_;
};

TEST_F(PictureOutput, TrainWritesEachPictureInItsExtensionsFormat) {
  const CommandResult r = run_soma("train --data circles --arch 2-4-1 --epochs 3 --plot '" +
                                   path("regions.svg") + "' --curves '" + path("curves.pdf") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(path("regions.svg")).find("<svg"), std::string::npos);
  EXPECT_EQ(read_file(path("curves.pdf")).rfind("%PDF-", 0), 0u);
  EXPECT_NE(r.out.find("wrote picture: " + path("regions.svg")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrote training curves: " + path("curves.pdf")), std::string::npos);
}

// A million epochs would take minutes: the refusal comes before the data is even made.
TEST_F(PictureOutput, TrainRefusesABadPictureNameBeforeTraining) {
  struct Case {
    std::string arguments;
    std::string error;
  };
  const std::string missing = path("missing");
  const Case cases[] = {
      {"--plot regions.jpg", "--plot: 'regions.jpg' should end in .png, .svg or .pdf"},
      {"--curves curves", "--curves: 'curves' should end in .png, .svg or .pdf"},
      {"--curves curves.dot", "--curves: 'curves.dot' should end in .png, .svg or .pdf"},
      {"--plot '" + missing + "/regions.png'", "--plot: cannot write '" + missing +
                                                   "/regions.png': the folder '" + missing +
                                                   "' does not exist"},
      {"--curves '" + directory_ + "'",
       "--curves: '" + directory_ + "' should end in .png, .svg or .pdf"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arguments);
    const CommandResult r = run_soma("train --data circles --epochs 1000000 " + c.arguments);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "soma train: error: " + c.error + "\n");
  }
  // A folder named like a picture is no file to write.
  fs::create_directory(path("folder.png"));
  const CommandResult folder =
      run_soma("train --data circles --epochs 1000000 --plot '" + path("folder.png") + "'");
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_EQ(folder.err, "soma train: error: --plot: cannot write '" + path("folder.png") +
                            "': it is a folder\n");
}

TEST_F(PictureOutput, AFolderThatCannotBeWrittenIsRefusedUpFront) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write in any folder";
  fs::permissions(directory_, fs::perms::owner_read | fs::perms::owner_exec);
  const CommandResult r =
      run_soma("train --data circles --epochs 1000000 --curves '" + path("c.png") + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "soma train: error: --curves: cannot write '" + path("c.png") +
                       "': the folder '" + directory_ + "' is not writable\n");
}

TEST_F(PictureOutput, GraphAndGradDrawPdfThroughGraphviz) {
  if (!has_graphviz()) GTEST_SKIP() << "no Graphviz dot";
  const CommandResult graph = run_soma("graph --arch 2-3-1 --out '" + path("net.pdf") + "'");
  ASSERT_EQ(graph.exit_code, 0) << graph.err;
  EXPECT_EQ(read_file(path("net.pdf")).rfind("%PDF-", 0), 0u);
  const CommandResult grad = run_soma("grad 'x*y' --at x=3,y=4 --dot '" + path("g.SVG") + "'");
  ASSERT_EQ(grad.exit_code, 0) << grad.err;
  EXPECT_NE(read_file(path("g.SVG")).find("<svg"), std::string::npos);
  EXPECT_NE(grad.out.find("graph written to " + path("g.SVG")), std::string::npos);
}

TEST_F(PictureOutput, GraphRefusesABadNameBeforeLoadingTheModel) {
  // The model does not exist either: the picture's name is checked first.
  const CommandResult r = run_soma("graph --model none.soma --out net.gif");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "soma graph: error: --out: 'net.gif' should end in .dot, .png, .svg or .pdf\n");
  const CommandResult missing =
      run_soma("graph --arch 2-3-1 --out '" + path("no/such/net.dot") + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "soma graph: error: --out: cannot write '" + path("no/such/net.dot") +
                             "': the folder '" + path("no/such") + "' does not exist\n");
}

// PATH names an empty folder: no dot, so graph's and grad's drawings are refused before the
// model is read or anything is computed or printed; .dot text needs no Graphviz.
TEST_F(PictureOutput, WithoutGraphvizADrawingIsRefusedBeforeAnyWork) {
  fs::create_directory(path("bin"));
  const std::string no_dot = "PATH='" + path("bin") + "'";
  struct Case {
    std::string command;  // before the picture option
    std::string option;
    std::string picture;   // the drawing asked for
    std::string dot_text;  // the name the message suggests instead
  };
  const Case cases[] = {
      {"graph --arch 2-3-1", "--out", "net.svg", "net.dot"},
      // The model does not exist: the missing dot is found before it is read.
      {"graph --model '" + path("none.soma") + "'", "--out", "net.PNG", "net.dot"},
      {"grad 'x*y' --at x=3,y=4", "--dot", "g.pdf", "g.dot"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.command);
    const CommandResult r =
        run_soma(c.command + " " + c.option + " '" + path(c.picture) + "'", no_dot);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "soma " + c.command.substr(0, c.command.find(" ")) + ": error: " + c.option +
                         ": writing '" + path(c.picture) +
                         "' needs Graphviz's dot, which is not on the PATH: install Graphviz "
                         "(apt-get install graphviz), or write '" +
                         path(c.dot_text) + "' (DOT text, which needs nothing)\n");
    EXPECT_FALSE(fs::exists(path(c.picture)));
  }
  const CommandResult graph =
      run_soma("graph --arch 2-3-1 --out '" + path("net.dot") + "'", no_dot);
  ASSERT_EQ(graph.exit_code, 0) << graph.err;
  EXPECT_EQ(read_file(path("net.dot")).rfind("digraph", 0), 0u);
  EXPECT_EQ(graph.out, "wrote " + path("net.dot") + "\n");
  const CommandResult grad =
      run_soma("grad 'x*y' --at x=3,y=4 --dot '" + path("g.dot") + "'", no_dot);
  ASSERT_EQ(grad.exit_code, 0) << grad.err;
  EXPECT_EQ(read_file(path("g.dot")).rfind("digraph", 0), 0u);
  EXPECT_NE(grad.out.find("graph written to " + path("g.dot")), std::string::npos) << grad.out;
}

}  // namespace
}  // namespace soma::testing
