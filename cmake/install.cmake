# Installation and packaging: what `cmake --install` puts where, and the
# Debian package `cpack -G DEB` builds from it (included by CMakeLists.txt
# after the eligo program is defined).
#
#   bin/eligo                               the program
#   lib/libeligo.so.0 (and .so)             the engine, for embedding
#   include/eligo/eligo.h                   its public interface
#   lib/pkgconfig/eligo.pc                  pkg-config file (rulesdir, schemasdir)
#   share/eligo/rules/{lib,calls,tests}     the rule library, the calls' rules and their tests
#   share/eligo/seeds/                      the bundled documents (lint's default calls)
#   share/eligo/schemas/*.schema.json       the documents' JSON Schemas
#   share/doc/eligo/                        README.md and docs/*.md
#   share/man/man1/eligo.1                  eligo(1), generated from the help registry
#   share/bash-completion/completions/eligo bash completion, generated from it too

# libeligo: the same objects as the program's engine, only eligo_* exported.
# Not with libFuzzer's instrumentation, which needs the fuzzer's runtime.
if(NOT ELIGO_FUZZ)
  add_library(eligo_shared SHARED $<TARGET_OBJECTS:eligo_objects>)
  set_target_properties(eligo_shared PROPERTIES OUTPUT_NAME eligo
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_link_libraries(eligo_shared PRIVATE eligo_objects)
  if(NOT ELIGO_SANITIZE)
    target_link_options(eligo_shared PRIVATE -Wl,--no-undefined)
  endif()
  install(TARGETS eligo_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES ${CMAKE_SOURCE_DIR}/include/eligo/eligo.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/eligo)
  file(RELATIVE_PATH ELIGO_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
       ${CMAKE_INSTALL_PREFIX})
  string(REGEX REPLACE "/$" "" ELIGO_PC_TO_PREFIX "${ELIGO_PC_TO_PREFIX}")
  configure_file(${CMAKE_SOURCE_DIR}/cmake/eligo.pc.in ${CMAKE_BINARY_DIR}/eligo.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/eligo.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()

install(TARGETS eligo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir lib calls tests)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/${dir}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/eligo/rules)
endforeach()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/seeds/ DESTINATION ${CMAKE_INSTALL_DATADIR}/eligo/seeds)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/eligo/schemas
        FILES_MATCHING PATTERN "*.schema.json" PATTERN "templates" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

# The man page and the completion script come from the program's help
# registry (cli/help.c): the program writes them, so they never disagree
# with `eligo help`.
set(ELIGO_MAN ${CMAKE_BINARY_DIR}/eligo.1)
set(ELIGO_COMPLETION ${CMAKE_BINARY_DIR}/eligo.bash-completion)
add_custom_command(
  OUTPUT ${ELIGO_MAN} ${ELIGO_COMPLETION}
  COMMAND $<TARGET_FILE:eligo> help --man > ${ELIGO_MAN}
  COMMAND $<TARGET_FILE:eligo> help --bash-completion > ${ELIGO_COMPLETION}
  DEPENDS eligo
  COMMENT "Writing eligo(1) and the bash completion from the help registry"
  VERBATIM)
add_custom_target(eligo_docs ALL DEPENDS ${ELIGO_MAN} ${ELIGO_COMPLETION})
install(FILES ${ELIGO_MAN} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ELIGO_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME eligo)

# The Debian package: cpack -G DEB in the build directory writes
# eligo_<version>-1_<arch>.deb, installed under /usr, its library
# dependencies computed by dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME eligo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "eligo <eligo@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "rules engine telling public funders whether a project may receive a grant")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "eligo evaluates grant applications (YAML documents kept with their history "
  "in SQLite) against each call's Lua rules, run in a sandbox, and stores every "
  "decision with a reproducible trace of each rule, the facts it read and its legal basis.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# luac5.4 for `eligo lint`; bash-completion to load the completion script.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "lua5.4, bash-completion")
include(CPack)
