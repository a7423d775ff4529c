# Installs soma from SOMA_BINARY_DIR into a prefix under WORK_DIR, then configures, builds
# and runs tests/consumer's two programs against that prefix with find_package(soma).
file(REMOVE_RECURSE "${WORK_DIR}")

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result}):\n${output}")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

run_step("install" ${CMAKE_COMMAND} --install "${SOMA_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
run_step("configure" ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/build"
         "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
run_step("build" ${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run_step("run" "${WORK_DIR}/build/consumer")
if(NOT step_output STREQUAL "loss 121 grad 22 44\n")
  message(FATAL_ERROR "unexpected output from the consumer: '${step_output}'")
endif()
message(STATUS "consumer built with find_package(soma) printed: ${step_output}")
run_step("run the engine's consumer" "${WORK_DIR}/build/engine_consumer")
if(NOT step_output STREQUAL "parameters 301, first weight's gradient of shape (8x9)\n")
  message(FATAL_ERROR "unexpected output from the engine's consumer: '${step_output}'")
endif()
message(STATUS "engine_consumer (soma::engine alone) printed: ${step_output}")
