# Driver of one consumer test (registered by CMakeLists.txt next to this file):
#
#   cmake -DMODE=<mode> -DSETTINGS=<build>/tests/consumer/consumer_settings.cmake
#         -P run_consumer.cmake
#
# MODE is find_package, add_subdirectory, fetchcontent or fetchcontent_git.
# Each run deletes and recreates <build>/tests/consumer/<MODE>/, runs every
# step with its output captured to logs/<n>-<step>.log there, prints the whole
# log and fails on the first step that fails, and prints
# "PGWIRE_CONSUMER_SKIPPED" (which CTest reports as a skip) when the mode
# cannot run in this checkout.
cmake_minimum_required(VERSION 3.25)

if(NOT MODE OR NOT EXISTS "${SETTINGS}")
  message(FATAL_ERROR "usage: cmake -DMODE=<mode> -DSETTINGS=<consumer_settings.cmake> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
include("${SETTINGS}")
if(NOT MODE MATCHES "^(find_package|add_subdirectory|fetchcontent|fetchcontent_git)$")
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

set(WORK "${WORK_ROOT}/${MODE}")
set(LOGS "${WORK}/logs")
set(_step_no 0)

# --- helpers -----------------------------------------------------------------

function(_now out)
  string(TIMESTAMP _t "%s%f" UTC)  # microseconds since the epoch
  set(${out} "${_t}" PARENT_SCOPE)
endfunction()

function(_seconds_since start out)
  _now(_end)
  math(EXPR _ms "(${_end} - ${start}) / 1000")
  math(EXPR _s "${_ms} / 1000")
  math(EXPR _frac "${_ms} % 1000 / 100")
  set(${out} "${_s}.${_frac}" PARENT_SCOPE)
endfunction()

function(fail what)
  message(FATAL_ERROR "consumer test '${MODE}' FAILED: ${what}")
endfunction()

# run(<step> <command>...): runs a command, logs its output, fails loudly.
function(run step)
  math(EXPR _n "${_step_no} + 1")
  set(_step_no ${_n} PARENT_SCOPE)
  string(REGEX REPLACE "[^A-Za-z0-9_.-]+" "_" _file "${step}")
  set(_log "${LOGS}/${_n}-${_file}.log")
  set(_cmd "")
  foreach(_arg IN LISTS ARGN)
    string(APPEND _cmd " \"${_arg}\"")
  endforeach()
  _now(_t0)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  _seconds_since(${_t0} _secs)
  file(WRITE "${_log}" "\$${_cmd}\n${_out}\n[exit: ${_rc}, ${_secs} s]\n")
  if(NOT _rc STREQUAL "0")
    message("\n===== ${step}: exit ${_rc} =====\n\$${_cmd}\n${_out}\n===== end of ${_log} =====\n")
    fail("${step} (exit ${_rc}; log: ${_log})")
  endif()
  message(STATUS "${step}: ok (${_secs} s)")
  set(RUN_OUTPUT "${_out}" PARENT_SCOPE)
endfunction()

# Initial cache shared by every nested configure: same toolchain as this
# build, Debug at -O0 (no -g: faster, and ccache can share objects between the
# differently named build directories), and no environment leaking in
# (CXXFLAGS/LDFLAGS are ignored once the cache entries exist).
# Extra entries (NAME=TYPE=VALUE) come first: a later set(CACHE) of the same
# name does not override. An extra CMAKE_PREFIX_PATH is put in front of this
# build's.
function(_entry name type value)  # appends to the caller's _c
  set(_c "${_c}set(${name} [==[${value}]==] CACHE ${type} \"\")\n" PARENT_SCOPE)
endfunction()
function(write_init_cache file)
  set(_c "")
  foreach(_extra IN LISTS ARGN)
    if(NOT _extra MATCHES "^([^=]+)=([^=]+)=(.*)$")
      message(FATAL_ERROR "bad cache entry '${_extra}'")
    endif()
    if(CMAKE_MATCH_1 STREQUAL "CMAKE_PREFIX_PATH")
      set(_paths "${CMAKE_MATCH_3}" ${PREFIX_PATH})
      _entry(CMAKE_PREFIX_PATH STRING "${_paths}")
    else()
      _entry(${CMAKE_MATCH_1} ${CMAKE_MATCH_2} "${CMAKE_MATCH_3}")
    endif()
  endforeach()
  if(TOOLCHAIN_FILE)
    _entry(CMAKE_TOOLCHAIN_FILE FILEPATH "${TOOLCHAIN_FILE}")
  endif()
  if(PREFIX_PATH)
    _entry(CMAKE_PREFIX_PATH STRING "${PREFIX_PATH}")
  endif()
  foreach(_hint IN LISTS DEPENDENCY_HINTS)
    _entry(${_hint} PATH "${HINT_${_hint}}")
  endforeach()
  _entry(CMAKE_BUILD_TYPE STRING Debug)
  _entry(CMAKE_CXX_FLAGS_DEBUG STRING "-O0")
  _entry(CMAKE_CXX_COMPILER FILEPATH "${CXX_COMPILER}")
  _entry(CMAKE_CXX_FLAGS STRING "${CXX_FLAGS}")
  _entry(CMAKE_EXE_LINKER_FLAGS STRING "${EXE_LINKER_FLAGS}")
  _entry(CMAKE_SHARED_LINKER_FLAGS STRING "${SHARED_LINKER_FLAGS}")
  if(MAKE_PROGRAM)
    _entry(CMAKE_MAKE_PROGRAM FILEPATH "${MAKE_PROGRAM}")
  endif()
  if(CXX_COMPILER_LAUNCHER)
    _entry(CMAKE_CXX_COMPILER_LAUNCHER STRING "${CXX_COMPILER_LAUNCHER}")
  endif()
  if(NOT BUILD_SHARED_LIBS STREQUAL "")
    _entry(BUILD_SHARED_LIBS BOOL "${BUILD_SHARED_LIBS}")
  endif()
  # Only what the test points at may be found (no package registries).
  _entry(CMAKE_FIND_USE_PACKAGE_REGISTRY BOOL OFF)
  _entry(CMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY BOOL OFF)
  # No PGWIRE_* options here: the consumer builds must see pgwire's defaults.
  file(WRITE "${file}" "${_c}")
endfunction()

# configure(<step> <source> <binary> [NAME=TYPE=VALUE...])
function(configure step source binary)
  set(_init "${binary}-init-cache.cmake")
  write_init_cache("${_init}" ${ARGN})
  set(_gen -G "${GENERATOR}")
  if(GENERATOR_PLATFORM)
    list(APPEND _gen -A "${GENERATOR_PLATFORM}")
  endif()
  if(GENERATOR_TOOLSET)
    list(APPEND _gen -T "${GENERATOR_TOOLSET}")
  endif()
  run("${step}" "${CMAKE_COMMAND}" -C "${_init}" -S "${source}" -B "${binary}" ${_gen})
  set(_step_no ${_step_no} PARENT_SCOPE)
endfunction()

function(build step binary)
  run("${step}" "${CMAKE_COMMAND}" --build "${binary}" --config Debug --parallel ${JOBS})
  set(_step_no ${_step_no} PARENT_SCOPE)
endfunction()

# Runs the consumer executable, which exits 0 only if its round trips match.
function(run_consumer step binary)
  set(_exe "${binary}/bin/pgwire_consumer${EXECUTABLE_SUFFIX}")
  if(NOT EXISTS "${_exe}")
    fail("${step}: ${_exe} was not built")
  endif()
  run("${step}" "${_exe}")
  if(NOT RUN_OUTPUT MATCHES "OK")
    fail("${step}: unexpected output: ${RUN_OUTPUT}")
  endif()
  message(STATUS "  ${RUN_OUTPUT}")
  set(_step_no ${_step_no} PARENT_SCOPE)
endfunction()

function(cache_value binary name out)
  file(STRINGS "${binary}/CMakeCache.txt" _line REGEX "^${name}:[A-Z]+=")
  string(REGEX REPLACE "^${name}:[A-Z]+=" "" _value "${_line}")
  set(${out} "${_value}" PARENT_SCOPE)
endfunction()

function(expect_same_path what actual expected)
  file(REAL_PATH "${actual}" _a)
  file(REAL_PATH "${expected}" _e)
  if(NOT _a STREQUAL _e)
    fail("${what}: got '${actual}', expected '${expected}'")
  endif()
endfunction()

function(expect_no_test_dir binary)
  if(EXISTS "${binary}/tests" OR EXISTS "${binary}/examples")
    fail("pgwire's tests or examples were configured in ${binary}")
  endif()
endfunction()

function(skip reason)
  message("PGWIRE_CONSUMER_SKIPPED: ${reason}")
endfunction()

# --- fresh work directory ----------------------------------------------------

# Guard the recursive delete: WORK must be a subdirectory of WORK_ROOT.
file(RELATIVE_PATH _rel "${WORK_ROOT}" "${WORK}")
if(NOT _rel STREQUAL MODE OR WORK_ROOT STREQUAL "")
  fail("refusing to delete '${WORK}'")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${LOGS}")
_now(_test_start)
message(STATUS "consumer test '${MODE}' in ${WORK}")

# --- find_package: install, then consume the install and the build tree -------

if(MODE STREQUAL "find_package")
  set(_lib_build "${WORK}/pgwire-build")
  # A space in the prefix checks that the package quotes its paths; installing
  # with --prefix somewhere other than the configured prefix checks that it is
  # relocatable.
  set(_prefix "${WORK}/install prefix")
  # pgwire is the top-level project here: library only, no sanitizer (the
  # consumer would need its runtime too), and the launcher forwarded above
  # rather than PGWIRE_USE_CCACHE's own lookup.
  configure("configure pgwire" "${PGWIRE_SOURCE_DIR}" "${_lib_build}"
    "CMAKE_INSTALL_PREFIX=PATH=${WORK}/configured-prefix-not-used"
    "PGWIRE_BUILD_TESTS=BOOL=OFF" "PGWIRE_BUILD_EXAMPLES=BOOL=OFF"
    "PGWIRE_BUILD_BENCHMARKS=BOOL=OFF" "PGWIRE_BUILD_FUZZERS=BOOL=OFF"
    "PGWIRE_SANITIZE=BOOL=OFF" "PGWIRE_USE_CCACHE=BOOL=OFF")
  build("build pgwire" "${_lib_build}")
  run("install pgwire" "${CMAKE_COMMAND}" --install "${_lib_build}" --config Debug --prefix "${_prefix}")

  # The installed package is complete.
  cache_value("${_lib_build}" CMAKE_INSTALL_LIBDIR _libdir)
  cache_value("${_lib_build}" CMAKE_INSTALL_INCLUDEDIR _incdir)
  if(_libdir STREQUAL "" OR _incdir STREQUAL "")
    fail("could not read CMAKE_INSTALL_LIBDIR/INCLUDEDIR from ${_lib_build}/CMakeCache.txt")
  endif()
  set(_cmakedir "${_prefix}/${_libdir}/cmake/pgwire")
  set(_missing "")
  foreach(_f IN ITEMS
      "${_libdir}/${LIBRARY_FILE}"
      "${_libdir}/cmake/pgwire/pgwireConfig.cmake"
      "${_libdir}/cmake/pgwire/pgwireConfigVersion.cmake"
      "${_libdir}/cmake/pgwire/pgwireTargets.cmake"
      "${_libdir}/cmake/pgwire/pgwireTargets-debug.cmake"
      "${_libdir}/cmake/pgwire/FindAsio.cmake")
    if(NOT EXISTS "${_prefix}/${_f}")
      list(APPEND _missing "${_f}")
    endif()
  endforeach()
  file(GLOB_RECURSE _src_headers RELATIVE "${PGWIRE_SOURCE_DIR}/include" "${PGWIRE_SOURCE_DIR}/include/*")
  file(GLOB_RECURSE _inst_headers RELATIVE "${_prefix}/${_incdir}" "${_prefix}/${_incdir}/*")
  foreach(_h IN LISTS _src_headers)
    if(NOT _h IN_LIST _inst_headers)
      list(APPEND _missing "${_incdir}/${_h}")
    endif()
  endforeach()
  if(_missing)
    list(JOIN _missing "\n  " _missing)
    fail("the install is missing:\n  ${_missing}")
  endif()
  list(LENGTH _src_headers _nheaders)
  message(STATUS "installed package complete (${LIBRARY_FILE}, ${_nheaders} headers, config files)")

  # Relocatable: no installed CMake file may name the source, build or
  # configured install directory.
  file(GLOB _cmake_files "${_cmakedir}/*.cmake")
  foreach(_f IN LISTS _cmake_files)
    file(READ "${_f}" _text)
    foreach(_dir IN ITEMS "${PGWIRE_SOURCE_DIR}" "${_lib_build}" "${WORK}/configured-prefix-not-used")
      string(FIND "${_text}" "${_dir}" _at)
      if(NOT _at EQUAL -1)
        fail("${_f} refers to ${_dir}: the package is not relocatable")
      endif()
    endforeach()
  endforeach()

  # Version file: 0.1 and the exact version are accepted, newer ones are not
  # (whatever the compatibility policy, a request above the version fails).
  foreach(_case IN ITEMS "0.1=TRUE" "${PGWIRE_VERSION}=TRUE" "0.2=FALSE" "1.0=FALSE" "99=FALSE")
    string(REPLACE "=" ";" _case "${_case}")
    list(GET _case 0 _req)
    list(GET _case 1 _want)
    foreach(_v IN ITEMS PACKAGE_VERSION_COMPATIBLE PACKAGE_VERSION_EXACT PACKAGE_FIND_VERSION_RANGE
        PACKAGE_FIND_VERSION_MAJOR PACKAGE_FIND_VERSION_MINOR PACKAGE_FIND_VERSION_PATCH)
      unset(${_v})
    endforeach()
    set(PACKAGE_FIND_VERSION "${_req}")
    string(REPLACE "." ";" _parts "${_req}.0.0")
    list(GET _parts 0 PACKAGE_FIND_VERSION_MAJOR)
    list(GET _parts 1 PACKAGE_FIND_VERSION_MINOR)
    list(GET _parts 2 PACKAGE_FIND_VERSION_PATCH)
    include("${_cmakedir}/pgwireConfigVersion.cmake")
    if((_want AND NOT PACKAGE_VERSION_COMPATIBLE) OR (NOT _want AND PACKAGE_VERSION_COMPATIBLE))
      fail("pgwireConfigVersion.cmake (version ${PACKAGE_VERSION}): request ${_req} should give compatible=${_want}")
    endif()
  endforeach()
  message(STATUS "version file: 0.1 accepted; 0.2, 1.0 and 99 rejected")

  # A missing dependency makes an optional find_package(pgwire) fail cleanly.
  configure("configure missing-dependency check" "${CONSUMERS_DIR}/missing_dependency"
    "${WORK}/missing-dependency" "CMAKE_PREFIX_PATH=STRING=${_prefix}")

  # Consumer of the install, found through CMAKE_PREFIX_PATH.
  set(_c1 "${WORK}/consumer-of-install")
  configure("configure consumer (installed package)" "${CONSUMERS_DIR}/find_package" "${_c1}"
    "CMAKE_PREFIX_PATH=STRING=${_prefix}")
  cache_value("${_c1}" pgwire_DIR _found)
  expect_same_path("pgwire_DIR (installed package)" "${_found}" "${_cmakedir}")
  build("build consumer (installed package)" "${_c1}")
  run_consumer("run consumer (installed package)" "${_c1}")

  # Consumer of the uninstalled build tree, found through pgwire_DIR.
  set(_c2 "${WORK}/consumer-of-build-tree")
  configure("configure consumer (build tree)" "${CONSUMERS_DIR}/find_package" "${_c2}"
    "pgwire_DIR=PATH=${_lib_build}")
  cache_value("${_c2}" pgwire_DIR _found)
  expect_same_path("pgwire_DIR (build tree)" "${_found}" "${_lib_build}")
  build("build consumer (build tree)" "${_c2}")
  run_consumer("run consumer (build tree)" "${_c2}")

# --- add_subdirectory ----------------------------------------------------------

elseif(MODE STREQUAL "add_subdirectory")
  set(_c "${WORK}/build")
  configure("configure consumer" "${CONSUMERS_DIR}/add_subdirectory" "${_c}"
    "PGWIRE_SOURCE_DIR=PATH=${PGWIRE_SOURCE_DIR}")
  expect_no_test_dir("${_c}/pgwire-build")
  build("build consumer" "${_c}")
  run_consumer("run consumer" "${_c}")

# --- FetchContent, work tree -------------------------------------------------

elseif(MODE STREQUAL "fetchcontent")
  set(_c "${WORK}/build")
  configure("configure consumer" "${CONSUMERS_DIR}/fetchcontent" "${_c}"
    "FETCHCONTENT_SOURCE_DIR_PGWIRE=PATH=${PGWIRE_SOURCE_DIR}")
  cache_value("${_c}" pgwire_SOURCE_DIR _src)
  expect_same_path("pgwire_SOURCE_DIR" "${_src}" "${PGWIRE_SOURCE_DIR}")
  if(EXISTS "${_c}/_deps/pgwire-src")
    fail("FetchContent downloaded pgwire despite FETCHCONTENT_SOURCE_DIR_PGWIRE")
  endif()
  expect_no_test_dir("${_c}/_deps/pgwire-build")
  build("build consumer" "${_c}")
  run_consumer("run consumer" "${_c}")

# --- FetchContent, cloning the local repository -------------------------------

elseif(MODE STREQUAL "fetchcontent_git")
  # Only meaningful when HEAD is exactly the tree the other tests build: a
  # clean git work tree whose top level is the pgwire source directory. CI's
  # fresh clone is; a developer's tree with local changes is skipped.
  find_program(GIT_EXECUTABLE git)
  if(NOT GIT_EXECUTABLE)
    skip("git not found")
    return()
  endif()
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PGWIRE_SOURCE_DIR}" rev-parse --show-toplevel
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _top ERROR_VARIABLE _err OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0)
    skip("${PGWIRE_SOURCE_DIR} is not a usable git work tree: ${_err}")
    return()
  endif()
  file(REAL_PATH "${_top}" _top)
  file(REAL_PATH "${PGWIRE_SOURCE_DIR}" _src)
  if(NOT _top STREQUAL _src)
    skip("${PGWIRE_SOURCE_DIR} is not the top of its git repository (${_top})")
    return()
  endif()
  set(_pathspec .)
  file(REAL_PATH "${TOP_BINARY_DIR}" _bin)
  file(RELATIVE_PATH _bin_rel "${_src}" "${_bin}")
  if(NOT _bin_rel MATCHES "^\\.\\./" AND NOT _bin_rel STREQUAL "")
    list(APPEND _pathspec ":(exclude)${_bin_rel}")
  endif()
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PGWIRE_SOURCE_DIR}" status --porcelain -- ${_pathspec}
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _changes ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    skip("git status failed: ${_err}")
    return()
  endif()
  if(NOT _changes STREQUAL "")
    skip("the work tree has uncommitted changes, so HEAD is not what the other tests build:\n${_changes}")
    return()
  endif()
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${PGWIRE_SOURCE_DIR}" rev-parse HEAD
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _head OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0 OR NOT _head MATCHES "^[0-9a-f]+$")
    fail("git rev-parse HEAD failed")
  endif()
  message(STATUS "cloning ${PGWIRE_SOURCE_DIR} at ${_head}")

  set(_c "${WORK}/build")
  configure("configure consumer" "${CONSUMERS_DIR}/fetchcontent" "${_c}"
    "PGWIRE_GIT_REPOSITORY=STRING=${PGWIRE_SOURCE_DIR}"
    "PGWIRE_GIT_TAG=STRING=${_head}"
    "GIT_EXECUTABLE=FILEPATH=${GIT_EXECUTABLE}")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${_c}/_deps/pgwire-src" rev-parse HEAD
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _cloned OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _rc EQUAL 0 OR NOT _cloned STREQUAL _head)
    fail("_deps/pgwire-src is not a clone at ${_head} (got '${_cloned}')")
  endif()
  expect_no_test_dir("${_c}/_deps/pgwire-build")
  build("build consumer" "${_c}")
  run_consumer("run consumer" "${_c}")
endif()

# A passed run's builds are ~150 MB each (pgwire compiled again per mode),
# over half a gigabyte per build tree: only the logs are kept. A failed run
# keeps everything for inspection.
file(GLOB _products LIST_DIRECTORIES true "${WORK}/*")
list(REMOVE_ITEM _products "${LOGS}")
if(_products)
  file(REMOVE_RECURSE ${_products})
endif()

_seconds_since(${_test_start} _total)
message(STATUS "consumer test '${MODE}' passed in ${_total} s")
