# Sanitizer and fuzzing builds. Both are off by default, so a default build's flags do not change.
#   -DPERFVAL_SANITIZE=address,undefined   (or thread) instruments every target: scripts/test.sh --sanitize
#   -DPERFVAL_FUZZ=ON   clang only: libFuzzer targets under tests/fuzz with ASan+UBSan: scripts/fuzz.sh
set(PERFVAL_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for every target (empty: none)")
option(PERFVAL_FUZZ "Build the libFuzzer targets in tests/fuzz (clang)" OFF)

if(PERFVAL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PERFVAL_FUZZ=ON needs clang (CXX=clang++); libFuzzer is not part of g++")
  endif()
  if(NOT PERFVAL_SANITIZE)
    set(PERFVAL_SANITIZE "address,undefined")
  endif()
  # Coverage instrumentation for the libraries; only the fuzz executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(PERFVAL_SANITIZE)
  # -O1 keeps instrumented builds quick to compile and their stack traces exact; frames stay walkable.
  add_compile_options(-fsanitize=${PERFVAL_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g)
  add_link_options(-fsanitize=${PERFVAL_SANITIZE})
  message(STATUS "perfval: sanitizers ${PERFVAL_SANITIZE}")
endif()
