# Refuses an #include that points up a layer (DESIGN.md, docs/architecture.md). Run by every
# build (the fluxon_layering target) and by ctest:
#   cmake -DROOT=<source tree> -P scripts/check_layering.cmake
# Each source file belongs to the first layer whose path pattern matches it; a file may include
# headers of its own layer and of the layers listed as below it. The engine names no family:
# device models and plug-ins are not below it, and it reaches them only through engine/device.hpp.
if(NOT ROOT)
  message(FATAL_ERROR "check_layering: pass -DROOT=<source tree>")
endif()

cmake_policy(SET CMP0007 NEW)

# Layers in matching order: a file belongs to the first whose pattern (a regex on its path
# relative to ROOT) matches. below_<layer>: the layers it may include besides its own.
set(layer_names base neurons networks device_plugins device_models mappers engine app io)
set(pattern_base "^engine/base/")
set(below_base "")
set(pattern_neurons "^neurons/")
set(below_neurons base)
set(pattern_networks "^networks/")
set(below_networks base neurons)
set(pattern_device_plugins "^devices/([^/]+/plugin/|builtin_families)")
set(below_device_plugins base neurons networks device_models mappers engine)
set(pattern_device_models "^devices/")
set(below_device_models base)
set(pattern_mappers "^mappers/")
set(below_mappers base neurons networks device_models)
set(pattern_engine "^engine/")
set(below_engine base neurons networks mappers)
set(pattern_app "^(io/cli|bindings)/")
set(below_app base neurons networks device_models mappers engine device_plugins io)
set(pattern_io "^io/")
set(below_io base neurons networks device_models mappers engine device_plugins)

function(layer_of path out)
  foreach(name IN LISTS layer_names)
    if(path MATCHES "${pattern_${name}}")
      set(${out} ${name} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE ${ROOT}
     ${ROOT}/engine/*.hpp ${ROOT}/engine/*.cpp ${ROOT}/neurons/*.hpp ${ROOT}/neurons/*.cpp
     ${ROOT}/networks/*.hpp ${ROOT}/networks/*.cpp ${ROOT}/devices/*.hpp ${ROOT}/devices/*.cpp
     ${ROOT}/mappers/*.hpp ${ROOT}/mappers/*.cpp ${ROOT}/io/*.hpp ${ROOT}/io/*.cpp
     ${ROOT}/bindings/*.hpp ${ROOT}/bindings/*.cpp)
set(violations "")
foreach(source IN LISTS sources)
  layer_of(${source} from)
  if(from STREQUAL "")
    continue()
  endif()
  set(allowed ${from} ${below_${from}})
  file(STRINGS ${ROOT}/${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
    if(NOT header MATCHES "^(engine|neurons|networks|devices|mappers|io|bindings)/")
      continue()
    endif()
    layer_of(${header} to)
    list(FIND allowed "${to}" at)
    if(at EQUAL -1)
      string(APPEND violations "\n  ${source} (${from}) includes ${header} (${to})")
    endif()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "an #include points up a layer (docs/architecture.md lists what each layer may use):"
                      "${violations}")
endif()
