// Writes a whole file so that readers only ever see the old contents or the complete new
// ones: the data goes to a temporary file beside the target, is flushed, then renamed.
#pragma once

#include <string>
#include <string_view>

namespace soma {

// Throws soma::Error naming the path and the system's reason when any step fails; the
// temporary file is removed then and the previous file, if any, is left untouched.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace soma
