// Graphviz's dot as a filter: DOT text in, a picture (PNG, SVG, PDF) out, through pipes,
// so that no file is made on the way and every failure names the picture it was for.
#pragma once

#include <string>

namespace soma::cli {

// Runs `dot -T<format>` with `dot_text` on its standard input and returns the picture it
// writes on its standard output; `path` is only for messages. Throws soma::Error naming
// `path` when dot is missing, fails, stops reading, writes nothing or writes more than
// 1 GiB. dot's warnings of a drawing that worked go to standard error.
std::string draw_with_graphviz(const std::string& dot_text, const std::string& format,
                               const std::string& path);

}  // namespace soma::cli
