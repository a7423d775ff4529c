// The machine's physical memory, and sizes in binary units for messages: what the checks
// that refuse networks and trainings too large to hold compare with and print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soma {

// Bytes of physical memory, or nothing when the system does not say.
std::optional<uint64_t> physical_memory_bytes();

// "1.5 GiB": bytes in the largest binary unit that keeps the number at least 1.
std::string binary_size(double bytes);

}  // namespace soma
