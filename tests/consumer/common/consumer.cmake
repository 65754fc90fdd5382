# Shared by the consumer projects (find_package/, add_subdirectory/, fetchcontent/).

set(_PGWIRE_CONSUMER_COMMON "${CMAKE_CURRENT_LIST_DIR}")

# pgwire added as a subproject (add_subdirectory, FetchContent) from `dir`,
# `how` naming the way: it must build just the library and define pgwire::pgwire.
function(pgwire_consumer_check_subproject dir how)
  foreach(_option IN ITEMS PGWIRE_BUILD_TESTS PGWIRE_BUILD_EXAMPLES PGWIRE_BUILD_BENCHMARKS)
    if(${_option})
      message(FATAL_ERROR "${_option} is ON although pgwire is not the top-level project")
    endif()
  endforeach()
  _pgwire_consumer_check_no_executables("${dir}")
  if(NOT TARGET pgwire::pgwire)
    message(FATAL_ERROR "${how} did not define pgwire::pgwire")
  endif()
endfunction()

function(_pgwire_consumer_check_no_executables dir)
  get_property(_targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_t IN LISTS _targets)
    get_target_property(_type ${_t} TYPE)
    if(_type STREQUAL "EXECUTABLE")
      message(FATAL_ERROR "pgwire added the executable '${_t}' (tests/examples must be off)")
    endif()
  endforeach()
  get_property(_subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(_d IN LISTS _subdirs)
    _pgwire_consumer_check_no_executables("${_d}")
  endforeach()
endfunction()

# The same program for every way of consuming the library. No
# target_compile_features: C++20 must come from pgwire::pgwire's usage
# requirements.
function(pgwire_consumer_add_program mode)
  add_executable(pgwire_consumer ${_PGWIRE_CONSUMER_COMMON}/main.cpp)
  target_link_libraries(pgwire_consumer PRIVATE pgwire::pgwire)
  target_compile_definitions(pgwire_consumer PRIVATE PGWIRE_CONSUMER_MODE="${mode}")
  # $<1:...> keeps multi-config generators from adding a per-config subdirectory.
  set_target_properties(pgwire_consumer PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY "$<1:${CMAKE_BINARY_DIR}/bin>")
endfunction()
