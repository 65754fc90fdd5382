include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(PGWIRE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pgwire)

set(PGWIRE_INSTALL_TARGETS pgwire)
if(TARGET pgwire_catalog)
  list(APPEND PGWIRE_INSTALL_TARGETS pgwire_catalog)
endif()
install(TARGETS ${PGWIRE_INSTALL_TARGETS} EXPORT pgwireTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pgwire DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT pgwireTargets NAMESPACE pgwire:: DESTINATION ${PGWIRE_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/pgwireConfig.cmake.in
  ${PROJECT_BINARY_DIR}/pgwireConfig.cmake INSTALL_DESTINATION ${PGWIRE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pgwireConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/pgwireConfig.cmake
  ${PROJECT_BINARY_DIR}/pgwireConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake
  DESTINATION ${PGWIRE_CMAKE_DIR})

# Build-tree export: find_package(pgwire) works against an uninstalled build dir.
export(EXPORT pgwireTargets NAMESPACE pgwire:: FILE ${PROJECT_BINARY_DIR}/pgwireTargets.cmake)
configure_file(${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake ${PROJECT_BINARY_DIR}/FindAsio.cmake COPYONLY)
