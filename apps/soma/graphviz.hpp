// Graphviz's dot as a filter: DOT text in, a picture (PNG, SVG, PDF) out, through pipes,
// so that no file is made on the way and every failure names the picture it was for.
#pragma once

#include <optional>
#include <string>

namespace soma::cli {

// The dot that draw_with_graphviz runs, found as posix_spawnp would find it: the first
// executable file named dot in PATH's folders (an empty entry is the current folder; PATH
// unset, the system's default path), or nullopt when there is none. The picture options'
// early check asks the same, so a missing dot is refused before any work.
std::optional<std::string> find_graphviz_dot();

// "writing 'net.svg' needs Graphviz's dot, which is not on the PATH: ...": what to do
// (install Graphviz, or write 'net.dot'), for the early check and for the drawing itself.
std::string missing_graphviz_message(const std::string& path);

// Runs `dot -T<format>` with `dot_text` on its standard input and returns the picture it
// writes on its standard output; `path` is only for messages. Throws soma::Error naming
// `path` when find_graphviz_dot finds none, fails, stops reading, writes nothing or writes more
// than 1 GiB. dot's warnings of a drawing that worked go to standard error.
std::string draw_with_graphviz(const std::string& dot_text, const std::string& format,
                               const std::string& path);

}  // namespace soma::cli
