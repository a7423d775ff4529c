// Whether this build runs under AddressSanitizer: soma's memory pools step aside then, so
// that every use after free still reaches the sanitizer.
#pragma once

namespace soma {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool built_with_address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool built_with_address_sanitizer = true;
#else
inline constexpr bool built_with_address_sanitizer = false;
#endif
#else
inline constexpr bool built_with_address_sanitizer = false;
#endif

}  // namespace soma
