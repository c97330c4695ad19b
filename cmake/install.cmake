# Install layout (GNUInstallDirs; <libdir> is lib/<multiarch> under /usr on Debian, lib elsewhere):
#   <libdir>/proctab.so                     the loadable module; under /usr (the .deb) <libdir> is
#                                           the multiarch directory the dynamic loader searches,
#                                           so `.load proctab` finds it by name (as mod_spatialite)
#   <bindir>/proctab                        the launcher (sqlite3 shell + module + named queries)
#   <datadir>/proctab/sql/*.sql             the ready-made queries
#   <includedir>/proctab.h                  C API for static embedding
#   <libdir>/libproctab.a                   static library (-DSQLITE_CORE), self-contained
#   <libdir>/cmake/proctab/                 find_package(proctab) -> proctab::static
#   <libdir>/pkgconfig/proctab.pc           pkg-config --cflags --libs proctab
#   <docdir>/README.md                      (share/doc/proctab)
include(CMakePackageConfigHelpers)

install(TARGETS proctab LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(PROGRAMS ${CMAKE_BINARY_DIR}/install/proctab DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY sql/ DESTINATION ${CMAKE_INSTALL_DATADIR}/proctab/sql FILES_MATCHING PATTERN "*.sql")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ext/proctab.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(TARGETS proctab_static EXPORT proctabTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT proctabTargets NAMESPACE proctab:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/proctab)
configure_package_config_file(cmake/proctabConfig.cmake.in
  ${CMAKE_BINARY_DIR}/install/proctabConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/proctab)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/install/proctabConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/install/proctabConfig.cmake
  ${CMAKE_BINARY_DIR}/install/proctabConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/proctab)

# proctab.pc is written at install time so its prefix is the one installed to
# (cmake --install --prefix X, or /usr inside the .deb), not the configured one.
install(CODE "
  set(PROCTAB_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(PROCTAB_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(PROCTAB_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PROCTAB_VERSION \"${PROJECT_VERSION}\")
  set(PROCTAB_PC_REQUIRES \"${PROCTAB_PC_REQUIRES}\")
  configure_file(\"${CMAKE_CURRENT_SOURCE_DIR}/cmake/proctab.pc.in\" \"${CMAKE_BINARY_DIR}/install/proctab.pc\" @ONLY)
")
install(FILES ${CMAKE_BINARY_DIR}/install/proctab.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# cpack -G DEB (from a tree configured with -DCMAKE_INSTALL_PREFIX=/usr).
set(CPACK_PACKAGE_NAME proctab)
set(CPACK_PACKAGE_VENDOR "proctab")
set(CPACK_PACKAGE_CONTACT "proctab maintainers <proctab@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SQLite extension: the sockets and open files of a Linux machine as tables")
set(CPACK_PACKAGE_DESCRIPTION "proctab is a SQLite loadable extension exposing /proc as virtual tables:
proc_tcp, proc_udp and proc_unix (every socket), proc_fd (every open file
descriptor) and proc_process, joinable on inode to find which process owns
which socket; any SQLite host loads it by name (.load proctab). Includes the proctab command
(the sqlite3 shell with the extension loaded and named queries), the static
library with its C header, CMake package and pkg-config file for embedding.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://example.invalid/proctab")
set(CPACK_RESOURCE_FILE_README ${CMAKE_CURRENT_SOURCE_DIR}/README.md)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The module calls the host's SQLite (it does not link libsqlite3), and needs
# sqlite3_vtab_in (3.38); the launcher runs the sqlite3 shell. dpkg-shlibdeps
# adds libc6 from the module's ELF dependencies (libstdc++ is linked in statically).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsqlite3-0 (>= 3.38), sqlite3")
# proc_fd's BPF source adds none: its light skeleton needs only the kernel
# (cmake/bpf.cmake).
# libmnl0: the sock_diag source of the socket tables (dpkg-shlibdeps finds it
# too; named here so a package built without shlibdeps still declares it).
if(PROCTAB_HAVE_LIBMNL)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}, libmnl0")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libsqlite3-dev, libmnl-dev, pkg-config")
find_program(PROCTAB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(PROCTAB_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_DEBIAN_PACKAGE_DEPENDS}, libc6")
endif()
include(CPack)
