// Writes a whole file so that readers only ever see the old contents or the complete new
// ones: the data goes to a temporary file beside the target, is flushed, then renamed.
#pragma once

#include <string>
#include <string_view>

namespace soma {

// Throws soma::Error naming `path` (never the temporary) and the system's reason when any
// step fails; the temporary file is removed then and the previous file, if any, is left
// untouched. The temporary is ".NAME.soma-PID-COUNTER.tmp" beside the target (NAME
// shortened with a hash for long names); each save first removes the temporaries of the
// same target that a killed save left behind, those whose process is gone and whose lock
// nobody holds, and never another target's. A target that exists and is neither a regular
// file nor a directory (a device such as /dev/null, a pipe) is written in place, not
// replaced; a directory is refused.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace soma
