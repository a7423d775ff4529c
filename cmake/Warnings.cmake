# Compiler warnings for soma's own targets: on, and treated as errors in CI (SOMA_WERROR).
option(SOMA_WERROR "Treat compiler warnings as errors" OFF)

function(soma_enable_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wformat=2 -Wimplicit-fallthrough)
  # GCC 12 reports false -Wrestrict errors inside std::string for "literal" + string
  # (GCC bug 105651); the warning is kept for other compilers.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(SOMA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
