#pragma once
// The single way to include ldns. Without <stdbool.h> first, ldns/common.h
// defines `bool`, `true` and `false` as macros, which breaks the C++ standard
// headers included after it (GCC 12's <optional> fails to compile).
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)

#include <ldns/ldns.h>
