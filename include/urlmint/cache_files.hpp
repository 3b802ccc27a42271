#ifndef URLMINT_CACHE_FILES_HPP
#define URLMINT_CACHE_FILES_HPP

// The AWS CLI's JSON cache files (~/.aws/sso/cache, ~/.aws/cli/cache, ~/.aws/login/cache), read
// and written so that the AWS CLI and urlmint can share them: JSON text exactly as Python's
// json.dumps writes it (", " and ": " separators, non-ASCII as \uXXXX), file names from SHA-1 /
// SHA-256 hex digests, and botocore's JSONFileCache writes (a temporary file in the same
// directory, fsync, rename: readers see the old file or the new one, never half of one; mode
// 0600). Libcrypto only.

#include <fcntl.h>     // open
#include <sys/stat.h>  // mkdir, fchmod
#include <unistd.h>    // write, fsync, close, unlink

#include <cerrno>      // errno
#include <cstdio>      // std::rename
#include <cstdlib>     // mkstemps
#include <cstring>     // std::strerror
#include <optional>    // std::optional
#include <string>
#include <string_view>
#include <utility>     // std::pair
#include <vector>

#include "checksums.hpp"
#include "config.hpp"
#include "credential_formats.hpp"
#include "credential_sources.hpp"  // detail::read_text_file
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"

namespace urlmint {
namespace providers {

/// SHA-1 of `text` as lowercase hex (hashlib.sha1(text.encode('utf-8')).hexdigest()).
URLMINT_DECL std::string sha1_hex(std::string_view text);

/// `text` as a JSON string literal exactly as Python's json.dumps writes it (ensure_ascii):
/// '"' and '\' escaped, \n \r \t \b \f by name, other control characters, DEL and every non-ASCII
/// code point as \u followed by four lowercase hex digits (surrogate pairs above U+FFFF).
/// Bytes that are not UTF-8 become \u00XX each.
URLMINT_DECL std::string python_json_string(std::string_view text);

/// A JSON object as json.dumps writes it: {"name": VALUE, ...} in the order given; each value is
/// JSON text already (python_json_string(...), a number, or another json_dumps_object()).
URLMINT_DECL std::string json_dumps_object(const std::vector<std::pair<std::string, std::string>>& members);

/// The members of the JSON object in file `path`, or nullopt when it is missing, unreadable or
/// not one JSON object: a cache file that cannot be used is simply not a hit.
URLMINT_DECL std::optional<json_object> read_json_cache_file(const std::string& path);

/// A string member of `doc`, or nullopt when absent or not a string.
URLMINT_DECL std::optional<std::string> json_string_member(const json_object& doc, const std::string& name);

/// A nested object member of `doc`, parsed, or nullopt.
URLMINT_DECL std::optional<json_object> json_object_member(const json_object& doc, const std::string& name);

namespace detail {

// mkdir -p with mode 0700 for what it creates (the caches hold credentials).
URLMINT_DECL void make_directories(const std::string& dir, std::string_view what);

}  // namespace detail

/// Writes `contents` to `dir`/`name` as botocore's JSONFileCache does: the directory is created
/// when missing (0700), the bytes go to a temporary file (mode 0600) in the same directory, are
/// fsynced, and the file is renamed over `name`. Throws errc::io naming `what` and the path.
URLMINT_DECL void write_cache_file_atomically(const std::string& dir, const std::string& name, std::string_view contents,
                                        std::string_view what);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/cache_files.ipp"
#endif

#endif  // URLMINT_CACHE_FILES_HPP
