# Standalone Asio is header-only and Debian ships no CMake config for it.
# Provides Asio::Asio (ASIO_STANDALONE, threads).
# Also installed with the pgwire package, so it runs in consumers' scope: it
# must not leave helper variables behind.
include(FindPackageHandleStandardArgs)
find_path(Asio_INCLUDE_DIR NAMES asio.hpp PATH_SUFFIXES asio/include)
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" _Asio_ver REGEX "#define ASIO_VERSION [0-9]+")
  string(REGEX MATCH "[0-9]+" _Asio_ver "${_Asio_ver}")
  math(EXPR _Asio_major "${_Asio_ver} / 100000")
  math(EXPR _Asio_minor "${_Asio_ver} / 100 % 1000")
  math(EXPR _Asio_patch "${_Asio_ver} % 100")
  set(Asio_VERSION "${_Asio_major}.${_Asio_minor}.${_Asio_patch}")
  unset(_Asio_ver)
  unset(_Asio_major)
  unset(_Asio_minor)
  unset(_Asio_patch)
endif()
find_package_handle_standard_args(Asio REQUIRED_VARS Asio_INCLUDE_DIR VERSION_VAR Asio_VERSION)
if(Asio_FOUND AND NOT TARGET Asio::Asio)
  find_package(Threads REQUIRED)
  add_library(Asio::Asio INTERFACE IMPORTED)
  set_target_properties(Asio::Asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Asio_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_NO_DEPRECATED"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
mark_as_advanced(Asio_INCLUDE_DIR)
