# Warnings and sanitizers come from INTERFACE targets linked PRIVATE by every
# custos target, never from global flags.
add_library(custos_warnings INTERFACE)
add_library(custos::warnings ALIAS custos_warnings)
target_compile_options(custos_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough)

add_library(custos_sanitize INTERFACE)
add_library(custos::sanitize ALIAS custos_sanitize)
if(CUSTOS_SANITIZE)
  target_compile_options(custos_sanitize INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(custos_sanitize INTERFACE -fsanitize=address,undefined)
endif()

# custos_options: what every custos target links PRIVATE.
add_library(custos_options INTERFACE)
target_link_libraries(custos_options INTERFACE custos_warnings custos_sanitize)
