# Packaging for out-of-tree drivers, included by the top-level CMakeLists.txt after its install()
# rules:
#  - the CMake package `ndishost` (find_package(ndishost) then ndishost_add_miniport), installed
#    under <libdir>/cmake/ndishost and usable straight from a build tree
#    (-Dndishost_DIR=<build>/cmake): imported targets ndishost::ndishost (the host library) and
#    ndishost::ndishost-cli (the CLI), NDISHOST_DDK_INCLUDE_DIR, NDISHOST_DDK_FLAGS,
#    NDISHOST_EXECUTABLE, NDISHOST_WPP_SCRIPT;
#  - ndishost-miniport.pc, the pkg-config equivalent of ndishost_add_miniport's flags (Requires
#    ndishost-ddk; the variable wpp_script names the .tmh stub generator).
# ndishost_add_miniport is also available inside this project (linking the `ndishost` target).
include(CMakePackageConfigHelpers)

set(NDISHOST_MINIPORT_LIBRARY ndishost)
set(NDISHOST_MINIPORT_SANITIZE "${NDISHOST_SANITIZE}")
include(${CMAKE_CURRENT_LIST_DIR}/NdishostMiniport.cmake)

set(NDISHOST_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ndishost)
set(NDISHOST_PACKAGE_MODULES ${CMAKE_CURRENT_LIST_DIR}/NdishostMiniport.cmake ${CMAKE_CURRENT_LIST_DIR}/NdishostWpp.cmake)

# ---- CMake package: install tree ------------------------------------------------------------------
install(EXPORT ndishost-targets NAMESPACE ndishost:: DESTINATION ${NDISHOST_CMAKE_INSTALL_DIR})
set(NDISHOST_DDK_FLAGS_LIST "${NDISHOST_DDK_FLAGS}")
set(NDISHOST_CONFIG_DDK_INCLUDE "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_INCLUDEDIR}/ndishost/ddk")
set(NDISHOST_CONFIG_INCLUDE "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_INCLUDEDIR}")
set(NDISHOST_CONFIG_MODULE_DIR "\${CMAKE_CURRENT_LIST_DIR}")
set(NDISHOST_CONFIG_SET_INCLUDES TRUE)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ndishost-config.cmake.in
                              ${PROJECT_BINARY_DIR}/install-cmake/ndishost-config.cmake
                              INSTALL_DESTINATION ${NDISHOST_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/ndishost-config-version.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install-cmake/ndishost-config.cmake
              ${PROJECT_BINARY_DIR}/cmake/ndishost-config-version.cmake ${NDISHOST_PACKAGE_MODULES}
        DESTINATION ${NDISHOST_CMAKE_INSTALL_DIR})

# ---- CMake package: build tree (-Dndishost_DIR=<build>/cmake) ---------------------------------------
export(EXPORT ndishost-targets NAMESPACE ndishost:: FILE ${PROJECT_BINARY_DIR}/cmake/ndishost-targets.cmake)
set(NDISHOST_CONFIG_DDK_INCLUDE "${NDISHOST_DDK_INCLUDE}")
set(NDISHOST_CONFIG_INCLUDE "${PROJECT_SOURCE_DIR}/include")
set(NDISHOST_CONFIG_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(NDISHOST_CONFIG_SET_INCLUDES FALSE) # the targets carry their build-tree include directories
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ndishost-config.cmake.in
                              ${PROJECT_BINARY_DIR}/cmake/ndishost-config.cmake
                              INSTALL_DESTINATION ${PROJECT_BINARY_DIR}/cmake INSTALL_PREFIX ${PROJECT_BINARY_DIR})

# ---- pkg-config: ndishost-miniport.pc ----------------------------------------------------------------
# The flags ndishost_add_miniport adds on top of ndishost-ddk's (no NDIS version: a Makefile adds
# -DNDIS630_MINIPORT=1 or the like itself).
list(JOIN NDISHOST_MINIPORT_WARNINGS " " PC_MINIPORT_WARNINGS)
# -include ndishost_seh.h: MSVC __try/__except for driver sources, as ndishost_add_miniport does.
set(PC_MINIPORT_CFLAGS "-std=gnu11 -fsigned-char -include ndishost_seh.h -DNDIS_MINIPORT_DRIVER=1 -DNDIS_WDM=1 -DDBG=1 ${PC_MINIPORT_WARNINGS}")
set(PC_WPP_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/NdishostWpp.cmake")
configure_file(${CMAKE_CURRENT_LIST_DIR}/ndishost-miniport.pc.in ${PROJECT_BINARY_DIR}/lib/pkgconfig/ndishost-miniport.pc
               @ONLY)
file(RELATIVE_PATH PC_REL_CMAKE ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_FULL_LIBDIR}/cmake/ndishost)
set(PC_WPP_SCRIPT "\${pcfiledir}/${PC_REL_CMAKE}/NdishostWpp.cmake")
configure_file(${CMAKE_CURRENT_LIST_DIR}/ndishost-miniport.pc.in ${PROJECT_BINARY_DIR}/install-pc/ndishost-miniport.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install-pc/ndishost-miniport.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
