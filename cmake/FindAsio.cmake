# Standalone Asio is header-only and Debian ships no CMake config for it.
# Provides Asio::Asio (ASIO_STANDALONE, threads).
include(FindPackageHandleStandardArgs)
find_path(Asio_INCLUDE_DIR NAMES asio.hpp PATH_SUFFIXES asio/include)
if(Asio_INCLUDE_DIR AND EXISTS "${Asio_INCLUDE_DIR}/asio/version.hpp")
  file(STRINGS "${Asio_INCLUDE_DIR}/asio/version.hpp" _asio_ver REGEX "#define ASIO_VERSION [0-9]+")
  string(REGEX MATCH "[0-9]+" _asio_ver "${_asio_ver}")
  math(EXPR _maj "${_asio_ver} / 100000")
  math(EXPR _min "${_asio_ver} / 100 % 1000")
  math(EXPR _pat "${_asio_ver} % 100")
  set(Asio_VERSION "${_maj}.${_min}.${_pat}")
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
