# Precompiled headers for the test executables (issue 15: CI's cold build on 2 cores stays under budget).
# Almost every test file includes GoogleTest, and a third of them GMock, nlohmann/json or yaml-cpp: parsing
# those headers is most of a test file's compile time. One PCH (built for perfval_common_tests) is reused by
# every test executable, so it is compiled once. Library and CLI sources are left as they are: their heavy
# headers (Beast, Asio, Eigen, Google Benchmark) are each used by a few files only.
# Off by default for now: with the PCH, g++ 12 -O3 -Werror reports libstdc++ false positives (below) that the
# same files do not get without it, and a full -Werror build with the PCH has not finished on this machine
# yet (issue 15, round of December 2026). Turn it on once one has.
option(PERFVAL_PCH "Precompile GoogleTest/GMock, nlohmann/json and yaml-cpp for the test executables" OFF)

# ccache caches a compile that uses a PCH only with these sloppiness settings (ccache manual, "Precompiled
# headers"); without them every test file would be recompiled on every clean build. With PERFVAL_PCH the
# launcher passes them to ccache for perfval's compiles only; without it ccache runs as configured.
set(PERFVAL_CCACHE_SLOPPINESS "pch_defines,time_macros,include_file_mtime,include_file_ctime")

# Gives test executable TARGET the shared test PCH: the first target called builds it, the others reuse it
# (REUSE_FROM needs the same compile options; the test executables differ only in include paths and
# PERFVAL_* path definitions, which the precompiled headers do not use).
function(perfval_test_pch target)
  if(NOT PERFVAL_PCH)
    return()
  endif()
  # With the PCH, g++ 12 at -O3 reports bogus -Wstringop-overflow and -Warray-bounds inside libstdc++'s
  # std::string operator+ ("b" + std::to_string(r) in tests/regression/ab_test.cpp), the false-positive family
  # the top CMakeLists.txt already silences for -Wrestrict; the same files compile clean without the PCH.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-stringop-overflow -Wno-array-bounds>)
  get_property(origin GLOBAL PROPERTY PERFVAL_TEST_PCH_ORIGIN)
  if(origin)
    target_precompile_headers(${target} REUSE_FROM ${origin})
  else()
    # <utility> first: Boost 1.74 with g++ 12 in C++20 needs it before Boost.Asio, which tests include later.
    target_precompile_headers(${target} PRIVATE <utility> <gtest/gtest.h> <gmock/gmock.h> <nlohmann/json.hpp>
                              <yaml-cpp/yaml.h>)
    set_property(GLOBAL PROPERTY PERFVAL_TEST_PCH_ORIGIN ${target})
  endif()
endfunction()
