// PEM private keys for CloudFront: private_key::from_pem on arbitrary bytes either loads a
// key that signs, or throws urlmint::error (errc::key) whose one-line message never quotes
// the key text.

#include <cctype>  // std::isalnum

#include "fuzz_support.hpp"

#include <urlmint/cloudfront.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  urlmint::cloudfront::key_options opts;
  opts.rsa_size = urlmint::cloudfront::rsa_key_size::any_from_1024;
  try {
    const auto key = urlmint::cloudfront::private_key::from_pem(text, "fuzz-passphrase", opts);
    (void)key;
  } catch (const urlmint::error& e) {
    const std::string_view m = e.what();
    urlmint_fuzz::require(m.find('\n') == std::string_view::npos, "one-line key error");
    // The key text is never echoed: no 16-byte run of the input's base64 body appears.
    const auto begin = text.find("-----\n");
    if (begin != std::string_view::npos && text.size() > begin + 6 + 16) {
      const std::string_view body = text.substr(begin + 6, 16);
      bool base64ish = true;
      for (char c : body) base64ish = base64ish && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/');
      // The BEGIN line's label is quoted on purpose; only a run that is not part of it counts.
      const auto label_start = text.find("-----BEGIN ");
      const std::string_view label =
          label_start == std::string_view::npos ? std::string_view() : text.substr(label_start, begin - label_start);
      if (base64ish && label.find(body) == std::string_view::npos)
        urlmint_fuzz::require(m.find(body) == std::string_view::npos, "key text is never echoed");
    }
  }
  return 0;
}
