# Third-party packages, found once. Every one comes from Debian (scripts/deps).
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Poco REQUIRED COMPONENTS Foundation Util Net JSON Data DataSQLite)
find_package(LibXml2 REQUIRED)
find_package(Threads REQUIRED)
# Text extraction and OCR for scanned documents (archive, PRIVATE).
find_package(PkgConfig REQUIRED)
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
pkg_check_modules(TESSERACT REQUIRED IMPORTED_TARGET tesseract)
pkg_check_modules(LEPT REQUIRED IMPORTED_TARGET lept)

# Xapian's CMake config only sets variables: wrap them once in a target.
find_package(xapian REQUIRED CONFIG)
if(NOT TARGET custos::xapian)
  add_library(custos::xapian INTERFACE IMPORTED)
  set_target_properties(custos::xapian PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${XAPIAN_LIBRARIES}")
endif()

if(CUSTOS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# jemalloc for the custos binary (tools/CMakeLists.txt): an import and the
# index follower allocate and free millions of small objects; with glibc's
# malloc a 100k import spent 7% of its CPU consolidating free chunks.
# Measured in bench/RESULTS.md (2026-11-23 23:30). Sanitizer builds keep
# their own allocator.
set(CUSTOS_WITH_JEMALLOC OFF)
if(CUSTOS_JEMALLOC AND NOT CUSTOS_SANITIZE)
  pkg_check_modules(JEMALLOC IMPORTED_TARGET jemalloc)
  if(JEMALLOC_FOUND)
    set(CUSTOS_WITH_JEMALLOC ON)
  else()
    message(STATUS "jemalloc not found (Debian: libjemalloc-dev): custos uses glibc's malloc")
  endif()
endif()
