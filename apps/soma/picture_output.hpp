// Where the picture options write (train's --plot and --curves, graph's --out, grad's
// --dot): the formats each kind of picture takes, read from the file's extension, and the
// check, made before any work, that the name has one of them, that its folder exists and
// can be written, and that Graphviz's dot is there for a drawing it draws. Every command with a
// picture option goes through it.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "arguments.hpp"

namespace soma::cli {

enum class PictureKind {
  figure,   // drawn by soma with Cairo (plots, curves): .png, .svg, .pdf
  drawing,  // a graph as Graphviz DOT: .dot itself, or .png, .svg, .pdf drawn by dot
};

// ".png, .svg or .pdf" (a figure) or ".dot, .png, .svg or .pdf" (a drawing).
std::string picture_extensions(PictureKind kind);

// The format `path` is written in ("png", "svg", "pdf" or "dot", from its extension in any
// case). Throws UsageError naming `option` and `path` for an extension `kind` does not
// take, a folder that is missing, not a folder or not writable, a path that is a folder,
// and a drawing other than .dot when Graphviz's dot is not on the PATH (find_graphviz_dot).
std::string check_picture_output(const std::string& option, const std::string& path,
                                 PictureKind kind);

// check_picture_output for each of `options` that `arguments` has; call it before loading
// data or training, so that a bad name costs nothing.
void check_picture_outputs(const ParsedArguments& arguments,
                           std::initializer_list<std::pair<const char*, PictureKind>> options);

// Writes a drawing's DOT text to `path` in its format: as it is for .dot, else drawn by
// Graphviz's dot; atomically, so that every failure names `path` (soma::Error).
void write_drawing(const std::string& path, const std::string& dot_text);

}  // namespace soma::cli
