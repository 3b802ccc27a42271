// The one TU of urlmint::separate (CMake) and urlmint_separate_dep (Meson): urlmint's function
// definitions, compiled once. Programs linking it define URLMINT_SEPARATE_COMPILATION.
#include <urlmint/src.hpp>
