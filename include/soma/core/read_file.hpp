// Reads a whole regular file into memory, with errors that start with the path:
// "data.csv: cannot open: No such file or directory".
#pragma once

#include <string>

namespace soma {

// Throws soma::Error for a missing or unreadable file, a directory, or anything that is not
// a regular file (a FIFO would otherwise block the reader).
std::string read_file(const std::string& path);

}  // namespace soma
