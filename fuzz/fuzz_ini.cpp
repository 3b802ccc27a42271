// The AWS CLI's INI files (credentials, config) as providers::parse_ini reads them: it either
// returns sections with non-empty names and lowercase, non-empty keys, or throws a clean
// one-line urlmint::error that names the file and line.

#include "fuzz_support.hpp"

#include <urlmint/providers.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  try {
    const urlmint::providers::ini_document doc = urlmint::providers::parse_ini(text, "fuzz.ini");
    for (const auto& section : doc.sections) {
      urlmint_fuzz::require(!section.name.empty(), "section names are not empty");
      urlmint_fuzz::require(doc.find(section.name) == &section, "section names are unique");
      for (const auto& entry : section.entries) {
        urlmint_fuzz::require(!entry.first.empty(), "keys are not empty");
        urlmint_fuzz::require(urlmint::sigv4::lowercase(entry.first) == entry.first, "keys are lowercase");
        urlmint_fuzz::require(section.find(entry.first) == &entry.second, "keys are unique in a section");
      }
    }
  } catch (const urlmint::error& e) {
    const std::string_view m = e.what();
    // Section names and keys are quoted (they are not secret); values never are.
    urlmint_fuzz::require(m.find('\n') == std::string_view::npos, "one-line INI error");
    urlmint_fuzz::require(m.substr(0, 21) == "config file fuzz.ini ", "INI errors name the file");
  }
  return 0;
}
