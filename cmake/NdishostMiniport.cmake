# ndishost_add_miniport: build an NDIS miniport's own source tree, unmodified, into a driver .so that
# `ndishost run` loads. Documented in docs/build-helper.md.
#
#   ndishost_add_miniport(<name>
#     SOURCES <file>...                  the driver's .c files (relative to the current source dir)
#     [NDIS_VERSION 6.0|6.1|6.20|6.30|6.40|6.50|6.51|6.60|6.70|6.80..6.89]
#                                        defines NDIS<ver>_MINIPORT=1 (e.g. 6.20 -> NDIS620_MINIPORT)
#     [WPP]                              generate a stub <source>.tmh per source (NdishostWpp.cmake)
#     [WPP_FUNCTIONS <spec>...]          trace functions, as tracewpp's -func: (e.g. "DEBUGP(LEVEL,MSG,...)")
#     [FIX_PROTOTYPES <src>:<function>[:<declaration>]...]
#                                        a header prototype that conflicts with the definition in <src>
#     [DEFINES <def>...]                 extra definitions for every source
#     [SOURCE_DEFINES <src>:<def>...]    definitions for one source of this driver only
#     [INCLUDE_DIRECTORIES <dir>...]     extra include directories (the driver's own headers' directory
#                                        is found through its sources' directory already)
#     [COMPILE_OPTIONS <opt>...]         extra compiler options
#     [WARNINGS <opt>...]                replaces the default relaxed warning set
#     [NO_DBG]                           do not define DBG=1 (the WDK's checked/debug build switch)
#     [MS_EXTENSIONS]                    -fms-extensions (tagged anonymous members and similar MSVC-isms)
#     [LINK_LIBRARIES <lib>...]          more libraries to link
#     [OUTPUT_DIRECTORY <dir>])          where <name>.so goes (default: the library output directory)
#
# Every driver translation unit gets what the ndishost DDK headers assume (NDISHOST_DDK_FLAGS:
# 16-bit WCHAR, no strict aliasing, real calls for every NDIS call), signed char, gnu11, -g, the WDK project
# defaults NDIS_MINIPORT_DRIVER=1 and NDIS_WDM=1, DBG=1, and warnings relaxed for what MSVC
# accepts silently (unknown pragmas, multi-character tags, text after #else), never -Werror.
#
# The including project sets (the installed package config and ndishost's own build both do):
#   NDISHOST_DDK_INCLUDE_DIR   the DDK headers (ndis.h, wdm.h, ...)
#   NDISHOST_DDK_FLAGS         the flags above
#   NDISHOST_MINIPORT_LIBRARY  the host library target drivers link to
#   NDISHOST_MINIPORT_SANITIZE the sanitizers of the ndishost build (empty: none); drivers are
#                              instrumented the same way (set it empty to build them plain)

include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/NdishostWpp.cmake)

set(NDISHOST_MINIPORT_WARNINGS
    -Wall
    -Wno-unknown-pragmas # #pragma NDIS_INIT_FUNCTION, prefast, warning(...)
    -Wno-multichar # pool tags such as 'TMVN'
    -Wno-endif-labels # MSVC ignores text after #else / #endif
    -Wno-unused-parameter
    -Wno-missing-braces)
include(CheckCCompilerFlag)
# GCC 14 made these errors; MSVC's C compiler (and GCC up to 13) warns. Keep them warnings.
foreach(flag incompatible-pointer-types implicit-function-declaration int-conversion)
  string(MAKE_C_IDENTIFIER "NDISHOST_CC_HAS_Wno_error_${flag}" var)
  check_c_compiler_flag(-Wno-error=${flag} ${var})
  if(${var})
    list(APPEND NDISHOST_MINIPORT_WARNINGS -Wno-error=${flag})
  endif()
endforeach()

# NDIS version text -> the NDISxxx_MINIPORT macro name.
function(_ndishost_ndis_version_macro version out_var)
  set(known 6.0 6.1 6.20 6.30 6.40 6.50 6.51 6.60 6.70 6.80 6.81 6.82 6.83 6.84 6.85 6.86 6.87 6.88 6.89)
  if(NOT version IN_LIST known)
    message(FATAL_ERROR "ndishost_add_miniport: NDIS_VERSION '${version}' is not one of: ${known}")
  endif()
  string(REPLACE "." "" digits "${version}")
  set(${out_var} "NDIS${digits}_MINIPORT" PARENT_SCOPE)
endfunction()

function(ndishost_add_miniport name)
  cmake_parse_arguments(PARSE_ARGV 1 NM "WPP;NO_DBG;MS_EXTENSIONS" "NDIS_VERSION;OUTPUT_DIRECTORY"
                        "SOURCES;WPP_FUNCTIONS;FIX_PROTOTYPES;DEFINES;SOURCE_DEFINES;INCLUDE_DIRECTORIES;COMPILE_OPTIONS;WARNINGS;LINK_LIBRARIES")
  if(NM_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ndishost_add_miniport(${name}): unknown arguments: ${NM_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT NM_SOURCES)
    message(FATAL_ERROR "ndishost_add_miniport(${name}): SOURCES is required")
  endif()
  foreach(v NDISHOST_DDK_INCLUDE_DIR NDISHOST_MINIPORT_LIBRARY)
    if(NOT DEFINED ${v})
      message(FATAL_ERROR "ndishost_add_miniport: ${v} is not set (use find_package(ndishost))")
    endif()
  endforeach()

  # Absolute source paths, and each source's file name, which names its .tmh.
  set(sources "")
  set(names "")
  foreach(src IN LISTS NM_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${abs}")
      message(FATAL_ERROR "ndishost_add_miniport(${name}): no such source: ${abs}")
    endif()
    get_filename_component(base "${abs}" NAME_WE)
    get_filename_component(fname "${abs}" NAME)
    if(base IN_LIST names)
      message(FATAL_ERROR "ndishost_add_miniport(${name}): two sources named ${base}.*: their .tmh would collide")
    endif()
    list(APPEND sources "${abs}")
    list(APPEND names "${base}")
    set(_nm_abs_${fname} "${abs}")
  endforeach()

  add_library(${name} MODULE ${sources})
  set_target_properties(${name} PROPERTIES PREFIX "" C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS ON)
  if(NM_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${NM_OUTPUT_DIRECTORY}")
  endif()

  set(defs NDIS_MINIPORT_DRIVER=1 NDIS_WDM=1)
  if(NM_NDIS_VERSION)
    _ndishost_ndis_version_macro("${NM_NDIS_VERSION}" vmacro)
    list(APPEND defs ${vmacro}=1)
  endif()
  if(NOT NM_NO_DBG)
    list(APPEND defs DBG=1)
  endif()
  list(APPEND defs ${NM_DEFINES})
  target_compile_definitions(${name} PRIVATE ${defs})

  set(warnings ${NDISHOST_MINIPORT_WARNINGS})
  if(DEFINED NM_WARNINGS)
    set(warnings ${NM_WARNINGS})
  endif()
  # MSVC's char is signed on every Windows target (CHAR, CCHAR); GCC's is unsigned on arm64.
  set(opts ${NDISHOST_DDK_FLAGS} -fsigned-char -g ${warnings})
  if(NM_MS_EXTENSIONS)
    list(APPEND opts -fms-extensions)
  endif()
  list(APPEND opts ${NM_COMPILE_OPTIONS})
  target_compile_options(${name} PRIVATE ${opts})
  # MSVC's __try/__except/__finally (and excpt.h's try/except), for driver sources only: the
  # mapping and its policy are in ndishost_seh.h (structured exceptions never occur in the host).
  foreach(ddk_dir IN LISTS NDISHOST_DDK_INCLUDE_DIR)
    if(EXISTS "${ddk_dir}/ndishost_seh.h")
      target_compile_options(${name} PRIVATE "SHELL:-include \"${ddk_dir}/ndishost_seh.h\"")
      break()
    endif()
  endforeach()

  # A sanitized ndishost build instruments its drivers too (in-tree drivers get the same flags):
  # the driver's own atomics become visible to TSan and its memory errors to ASan. Policy: not the
  # alignment check: UNALIGNED (MSVC's "this access may be unaligned") has no GCC equivalent, and
  # x64 and arm64 allow such accesses.
  if(NDISHOST_MINIPORT_SANITIZE)
    set(san -fsanitize=${NDISHOST_MINIPORT_SANITIZE} -fno-omit-frame-pointer)
    if(NDISHOST_MINIPORT_SANITIZE MATCHES "undefined")
      list(APPEND san -fno-sanitize=alignment)
    endif()
    target_compile_options(${name} PRIVATE ${san})
    target_link_options(${name} PRIVATE -fsanitize=${NDISHOST_MINIPORT_SANITIZE})
  endif()

  target_include_directories(${name} PRIVATE ${NM_INCLUDE_DIRECTORIES})
  target_include_directories(${name} SYSTEM PRIVATE "${NDISHOST_DDK_INCLUDE_DIR}")
  target_link_libraries(${name} PRIVATE ${NDISHOST_MINIPORT_LIBRARY} ${NM_LINK_LIBRARIES})

  # Per-source definitions, scoped to this target (the same files may build several drivers).
  set(per_source "")
  foreach(entry IN LISTS NM_SOURCE_DEFINES)
    list(APPEND per_source "${entry}")
  endforeach()
  set(prototypes_of "")
  foreach(entry IN LISTS NM_FIX_PROTOTYPES)
    if(NOT entry MATCHES "^([^:]+):([A-Za-z_][A-Za-z0-9_]*)(:.*)?$")
      message(FATAL_ERROR "ndishost_add_miniport(${name}): FIX_PROTOTYPES '${entry}' is not <source>:<function>[:<declaration>]")
    endif()
    set(src "${CMAKE_MATCH_1}")
    set(fn "${CMAKE_MATCH_2}")
    set(decl "${CMAKE_MATCH_3}")
    list(APPEND per_source "${src}:${fn}=${fn}_ndishost_proto")
    get_filename_component(sbase "${src}" NAME_WE)
    list(APPEND _nm_protos_${sbase} "${fn}${decl}")
  endforeach()
  foreach(entry IN LISTS per_source)
    if(NOT entry MATCHES "^([^:]+):(.+)$")
      message(FATAL_ERROR "ndishost_add_miniport(${name}): SOURCE_DEFINES '${entry}' is not <source>:<definition>")
    endif()
    set(src "${CMAKE_MATCH_1}")
    set(def "${CMAKE_MATCH_2}")
    get_filename_component(fname "${src}" NAME)
    if(NOT DEFINED _nm_abs_${fname})
      message(FATAL_ERROR "ndishost_add_miniport(${name}): '${src}' (in SOURCE_DEFINES or FIX_PROTOTYPES) is not one of SOURCES")
    endif()
    set_property(SOURCE "${_nm_abs_${fname}}" APPEND PROPERTY COMPILE_DEFINITIONS
                 "$<$<STREQUAL:$<TARGET_PROPERTY:NAME>,${name}>:${def}>")
  endforeach()

  if(NM_WPP)
    set(tmh_dir "${CMAKE_CURRENT_BINARY_DIR}/${name}.wpp")
    foreach(base IN LISTS names)
      ndishost_wpp_stub(text SOURCE "${base}.c" FUNCTIONS ${NM_WPP_FUNCTIONS} PROTOTYPES ${_nm_protos_${base}})
      file(CONFIGURE OUTPUT "${tmh_dir}/${base}.tmh" CONTENT "${text}" @ONLY)
    endforeach()
    target_include_directories(${name} BEFORE PRIVATE "${tmh_dir}")
  elseif(NM_FIX_PROTOTYPES)
    message(FATAL_ERROR "ndishost_add_miniport(${name}): FIX_PROTOTYPES needs WPP (the fix goes into the "
                        "source's generated .tmh, which sits between its headers and its definitions)")
  endif()
endfunction()
