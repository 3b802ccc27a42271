#ifndef URLMINT_CONFIG_HPP
#define URLMINT_CONFIG_HPP

// Compile modes, the Boost.Asio/Beast convention.
//
// Header-only (the default): every function is defined in the headers, `inline`.
//
// Separate compilation: define URLMINT_SEPARATE_COMPILATION for the whole program (every TU
// that includes urlmint); the headers then declare their non-template functions only, and
// exactly one TU includes <urlmint/src.hpp> to compile the definitions. CMake's
// urlmint::separate and Meson's urlmint_separate_dep do both for you.
//
// Either way it is the same code: each header's function bodies live in impl/NAME.ipp, which
// the header includes when header-only and src.hpp includes otherwise.

#if defined(URLMINT_SEPARATE_COMPILATION)
#define URLMINT_DECL
#else
#define URLMINT_HEADER_ONLY 1
#define URLMINT_DECL inline
#endif

#endif  // URLMINT_CONFIG_HPP
