# Optional sanitizer instrumentation for soma's targets: SOMA_SANITIZE is the list given to
# -fsanitize, e.g. address,undefined,float-cast-overflow as scripts/test.sh builds it: GCC's
# "undefined" leaves out float-cast-overflow (converting NaN, an infinity or an out-of-range
# float to an integer), clang's includes it. Every report stops the program.
function(soma_enable_sanitizers target)
  if(SOMA_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=${SOMA_SANITIZE} -fno-omit-frame-pointer
                                            -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${SOMA_SANITIZE})
  endif()
endfunction()
