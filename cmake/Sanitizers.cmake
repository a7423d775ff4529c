# Optional sanitizer instrumentation (SOMA_SANITIZE=address,undefined) for soma's targets.
function(soma_enable_sanitizers target)
  if(SOMA_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=${SOMA_SANITIZE} -fno-omit-frame-pointer
                                            -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=${SOMA_SANITIZE})
  endif()
endfunction()
