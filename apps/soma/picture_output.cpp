// check_picture_output: the extension first, then the folder, then (for a drawing Graphviz
// draws) dot on the PATH, each refusal one line that names the option and the path.
#include "picture_output.hpp"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <system_error>

#include "graphviz.hpp"
#include "soma/core/atomic_file.hpp"

namespace soma::cli {

namespace {

// The extension of `path`'s file name, lower case, without its dot ("" when none).
std::string extension_of(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  if (!extension.empty()) extension.erase(0, 1);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

// Why the folder `path` would be written in cannot take it, or "" when it can. access()
// asks for the real user, as the write will be made; a folder on a read-only file system
// answers EROFS.
std::string folder_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error)) return "it is a folder";
  const fs::path parent = fs::path(path).parent_path();
  const fs::path folder = parent.empty() ? fs::path(".") : parent;
  const std::string name = "the folder '" + folder.string() + "'";
  const fs::file_status status = fs::status(folder, error);
  if (status.type() == fs::file_type::not_found) return name + " does not exist";
  if (error) return name + " cannot be read: " + error.message();
  if (status.type() != fs::file_type::directory) return "'" + folder.string() + "' is not a folder";
  if (::access(folder.c_str(), W_OK | X_OK) != 0) return name + " is not writable";
  return "";
}

}  // namespace

std::string picture_extensions(PictureKind kind) {
  return kind == PictureKind::figure ? ".png, .svg or .pdf" : ".dot, .png, .svg or .pdf";
}

std::string check_picture_output(const std::string& option, const std::string& path,
                                 PictureKind kind) {
  const std::string format = extension_of(path);
  const bool known = format == "png" || format == "svg" || format == "pdf" ||
                     (format == "dot" && kind == PictureKind::drawing);
  if (!known) {
    throw UsageError(option + ": '" + path + "' should end in " + picture_extensions(kind));
  }
  if (const std::string problem = folder_problem(path); !problem.empty()) {
    throw UsageError(option + ": cannot write '" + path + "': " + problem);
  }
  // The same look-up as the drawing's: a dot missing now would fail after all the work.
  if (kind == PictureKind::drawing && format != "dot" && !find_graphviz_dot()) {
    throw UsageError(option + ": " + missing_graphviz_message(path));
  }
  return format;
}

void check_picture_outputs(const ParsedArguments& arguments,
                           std::initializer_list<std::pair<const char*, PictureKind>> options) {
  for (const auto& [option, kind] : options) {
    if (auto path = arguments.value(option)) check_picture_output(option, *path, kind);
  }
}

void write_drawing(const std::string& path, const std::string& dot_text) {
  const std::string format = extension_of(path);
  write_file_atomically(path,
                        format == "dot" ? dot_text : draw_with_graphviz(dot_text, format, path));
}

}  // namespace soma::cli
