#ifndef URLMINT_IMPL_CACHE_FILES_IPP
#define URLMINT_IMPL_CACHE_FILES_IPP

// Definitions for cache_files.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../cache_files.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::string sha1_hex(std::string_view text) {
  return hex_encode(checksums::digest_of(checksums::algorithm::sha1, text));
}

URLMINT_DECL std::string python_json_string(std::string_view text) {
  std::string out = "\"";
  const auto u = [&out](unsigned long cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += urlmint::detail::hex_digits_lower[(cp >> shift) & 0xF];
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      u(c);
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > text.size() || !is_valid_utf8(text.substr(i, len))) {
      u(c);
      continue;
    }
    unsigned long cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += len - 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u(0xD800 + (cp >> 10));
      u(0xDC00 + (cp & 0x3FF));
    } else {
      u(cp);
    }
  }
  out += '"';
  return out;
}

URLMINT_DECL std::string json_dumps_object(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) out += ", ";
    out += python_json_string(members[i].first);
    out += ": ";
    out += members[i].second;
  }
  out += '}';
  return out;
}

URLMINT_DECL std::optional<json_object> read_json_cache_file(const std::string& path) {
  std::optional<std::string> text;
  try {
    text = detail::read_text_file(path, "cache file");
  } catch (const error&) {
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  std::optional<json_object> doc;
  try {
    doc = parse_json_object(*text, path);
  } catch (const error&) {
    doc.reset();
  }
  detail::wipe(*text);
  return doc;
}

URLMINT_DECL std::optional<std::string> json_string_member(const json_object& doc, const std::string& name) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->second.type != json_member::kind::string) return std::nullopt;
  return std::string(it->second.text.reveal());
}

URLMINT_DECL std::optional<json_object> json_object_member(const json_object& doc, const std::string& name) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->second.type != json_member::kind::nested) return std::nullopt;
  try {
    return parse_json_object(it->second.text.reveal(), name);
  } catch (const error&) {
    return std::nullopt;  // an array, not an object
  }
}
namespace detail {

URLMINT_DECL void make_directories(const std::string& dir, std::string_view what) {
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      throw error(errc::io, std::string(what) + ": cannot create directory " + part + ": " + std::strerror(errno));
  }
}
}  // namespace detail

URLMINT_DECL void write_cache_file_atomically(const std::string& dir, const std::string& name, std::string_view contents,
                                        std::string_view what) {
  detail::make_directories(dir, what);
  std::string tmp = dir + "/" + name + ".XXXXXX.tmp";
  const int fd = ::mkstemps(tmp.data(), 4);
  if (fd < 0) throw error(errc::io, std::string(what) + ": cannot create a file in " + dir + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < contents.size();) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  const std::string path = dir + "/" + name;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = ok ? errno : saved;
    ::unlink(tmp.c_str());
    throw error(errc::io, std::string(what) + ": cannot write " + path + ": " + std::strerror(e));
  }
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_CACHE_FILES_IPP
