// The S3 presign path (s3::presign, s3::signer::presign / presign_append, s3::presigner: one
// body of code) against the general SigV4 steps (sigv4::presign over s3::presign_steps'
// request, an independent implementation): identical bytes, identical errors, no heap
// allocation per URL into a reused buffer, non-throwing overloads, and correct signatures
// from many threads across midnight.

#include <catch2/catch.hpp>

#include <atomic>   // std::atomic: the allocation counter
#include <cstdlib>  // std::malloc, std::free
#include <new>      // std::bad_alloc
#include <random>   // std::mt19937
#include <string>
#include <thread>   // std::thread
#include <vector>

#include <urlmint/s3.hpp>

// Counts every heap allocation in this test executable (only this TU replaces the allocation
// functions; all of them, so sanitizers see matched pairs), so a test
// can assert that a stretch of code allocates nothing.
namespace {
std::atomic<long> allocations{0};
}  // namespace

// g++ 12 pairs the inlined malloc/free below with new/delete and warns about a mismatch that
// is not there (both sides are replaced here).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace s3 = urlmint::s3;
using std::chrono::seconds;

namespace {

const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

// The general SigV4 path's answer, or its error message prefixed with "error: ".
std::string general(const urlmint::credentials& c, const s3::config& cfg, const std::string& bucket,
                    const std::string& key, const s3::presign_options& o, urlmint::time_point now) {
  try {
    const auto in = s3::detail::make_presign_inputs(cfg, bucket, key, o, now);
    return urlmint::sigv4::presign(in.request, c, in.params);
  } catch (const urlmint::error& e) {
    return std::string("error: ") + e.what();
  }
}

std::string free_function(const urlmint::credentials& c, const s3::config& cfg, const std::string& bucket,
                          const std::string& key, const s3::presign_options& o, urlmint::time_point now) {
  try {
    return s3::presign(c, cfg, bucket, key, o, now);
  } catch (const urlmint::error& e) {
    return std::string("error: ") + e.what();
  }
}

// Through a presigner (built per call here, so its errors can be compared too).
std::string prepared(const s3::signer& signer, const std::string& bucket, const std::string& key,
                     const s3::presign_options& o, urlmint::time_point now) {
  try {
    s3::presigner p(signer, bucket, o);
    return p.presign(key, now);
  } catch (const urlmint::error& e) {
    return std::string("error: ") + e.what();
  }
}

// The non-throwing overload: the URL, or "error" when ec is set (and the URL is then empty).
std::string with_ec(const s3::signer& signer, const std::string& bucket, const std::string& key,
                    const s3::presign_options& o, urlmint::time_point now) {
  std::error_code ec = make_error_code(urlmint::errc::io);  // must be cleared on success
  std::string url = signer.presign(bucket, key, o, now, ec);
  if (ec) return url.empty() && ec.category() == urlmint::error_category() ? "error" : "error: url not empty";
  return url;
}

std::string fast(const s3::signer& signer, const std::string& bucket, const std::string& key,
                 const s3::presign_options& o, urlmint::time_point now) {
  try {
    return signer.presign(bucket, key, o, now);
  } catch (const urlmint::error& e) {
    return std::string("error: ") + e.what();
  }
}

std::string appended(const s3::signer& signer, const std::string& bucket, const std::string& key,
                     const s3::presign_options& o, urlmint::time_point now) {
  std::string out = "prefix|";
  try {
    signer.presign_append(out, bucket, key, o, now);
  } catch (const urlmint::error& e) {
    if (out != "prefix|") return "error: out was changed";
    return std::string("error: ") + e.what();
  }
  return out.substr(7);
}

// Text of random bytes drawn from the classes that matter to UriEncode: unreserved, reserved
// and sub-delims, "/", space and "+", controls, and UTF-8 of 2, 3 and 4 bytes.
std::string random_text(std::mt19937& rng, std::size_t max_len) {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", "9", "-", ".", "_", "~", "/", " ", "+", "=", "&", "?", "#", "%", "%2F", "!", "*", "'",
      "(", ")", ";", ":", "@", "$", ",", "[", "]", "\"", "<", ">", "\\", "^", "`", "{", "|", "}", "\t", "\x01",
      "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "//", "./", "../", "x.txt"};
  std::uniform_int_distribution<std::size_t> len(0, max_len);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::string out;
  const std::size_t n = len(rng);
  for (std::size_t i = 0; i < n; ++i) out += pieces[pick(rng)];
  return out;
}

}  // namespace

TEST_CASE("the fast path reproduces AWS's documented presigned GET", "[s3][fastpath]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  s3::signer signer(c, {});
  s3::presign_options o;
  o.expires_in = seconds(86400);
  const std::string expected =
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  CHECK(signer.presign("examplebucket", "test.txt", o, may_24_2013) == expected);
  CHECK(appended(signer, "examplebucket", "test.txt", o, may_24_2013) == expected);
}

TEST_CASE("fast and general paths give identical URLs and errors over generated inputs", "[s3][fastpath]") {
  std::mt19937 rng(20130524);
  const std::vector<urlmint::credentials> creds = {
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
      {"ASIAEXAMPLE+ID=", "secret/with+odd=bytes", "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=padding=="},
      {"AKID", std::string(200, 's'), std::string(1200, 'T') + "/+="},
  };
  struct setup {
    std::string region;
    std::string endpoint;
    s3::addressing_style style;
    bool accelerate = false;
  };
  const std::vector<setup> setups = {
      {"us-east-1", "", s3::addressing_style::automatic},
      {"eu-west-2", "", s3::addressing_style::automatic},
      {"cn-north-1", "", s3::addressing_style::path},
      {"ap-south-1", "", s3::addressing_style::virtual_hosted},
      {"us-east-1", "http://127.0.0.1:9000", s3::addressing_style::automatic},
      {"us-east-1", "https://S3.Example.com:443/base/", s3::addressing_style::virtual_hosted},
      {"auto", "http://localhost:9000", s3::addressing_style::virtual_hosted},
      {"garage region", "http://[::1]:3900", s3::addressing_style::path},
      {"r2-region_1", "https://acct.r2.example.com", s3::addressing_style::path},
      {"Bad/Region", "", s3::addressing_style::automatic},
      {"us-east-1", "ftp://nope", s3::addressing_style::automatic},
      {"", "", s3::addressing_style::automatic},
      {"us-west-2", "", s3::addressing_style::automatic, true},
  };
  const std::vector<std::string> buckets = {"examplebucket", "my.dotted.bucket", "a-b", "UPPER_case",
                                            "x",             "bucket with space", "sthree-reserved",
                                            // the signer caches these plans per thread, between plain buckets
                                            "arn:aws:s3:us-east-1:123456789012:accesspoint/reports",
                                            "arn:aws:s3:eu-west-2:123456789012:accesspoint/ap-2", "arn:not-an-arn"};
  const std::vector<std::string> methods = {"GET", "PUT", "HEAD", "DELETE", "POST", "get", "Put", "PATCH"};
  const std::vector<long> expiries = {1, 60, 3600, 86400, 604800, 0, 604801};
  const std::vector<std::string> names = {"response-content-disposition", "versionId", "X-Amz-Date", "x-id",
                                          "a", "", "response-content-type", "partNumber"};

  int compared = 0;
  int fast_successes = 0;
  for (const auto& cr : creds) {
    for (const auto& st : setups) {
      s3::config cfg;
      cfg.region = st.region;
      cfg.endpoint_url = st.endpoint;
      cfg.style = st.style;
      cfg.use_accelerate = st.accelerate;
      s3::signer signer(cr, cfg);
      for (int i = 0; i < 60; ++i) {
        const std::string& bucket = buckets[rng() % buckets.size()];
        std::string key = random_text(rng, 12);
        if (rng() % 20 == 0) key = std::string(1024 + rng() % 2, 'k');
        if (rng() % 25 == 0) key += "\xFF";
        s3::presign_options o;
        o.method = methods[rng() % 5 == 0 ? rng() % methods.size() : 0];
        o.expires_in = seconds(rng() % 8 == 0 ? expiries[rng() % expiries.size()] : 3600);
        const std::size_t extra = rng() % 4 == 0 ? rng() % 5 : 0;
        for (std::size_t q = 0; q < extra; ++q)
          o.query.push_back({rng() % 3 == 0 ? random_text(rng, 4) : names[rng() % names.size()], random_text(rng, 6)});
        if (rng() % 10 == 0) o.query.resize(20, {"many", "params"});
        if (rng() % 10 == 0) o.headers.push_back({"Content-Type", "text/plain"});
        if (rng() % 12 == 0) o.headers.push_back({random_text(rng, 5), random_text(rng, 8)});
        if (rng() % 15 == 0) o.headers.push_back({"x-amz-meta-Tag", " a  b "});
        if (rng() % 40 == 0) o.headers.push_back({"Host", "override.example"});
        const urlmint::time_point now = may_24_2013 + seconds(static_cast<long>(rng() % (400 * 86400)));
        const std::string expected = general(cr, cfg, bucket, key, o, now);
        INFO("region " << st.region << ", endpoint " << st.endpoint << ", bucket " << bucket << ", key " << key);
        CHECK(fast(signer, bucket, key, o, now) == expected);
        CHECK(appended(signer, bucket, key, o, now) == expected);
        CHECK(free_function(cr, cfg, bucket, key, o, now) == expected);
        // (A presigner checks the bucket and options first, so its message may name another
        // of several problems.)
        const std::string p = prepared(signer, bucket, key, o, now);
        if (expected.rfind("error: ", 0) != 0) CHECK(p == expected);
        else CHECK(p.rfind("error: ", 0) == 0);
        CHECK(with_ec(signer, bucket, key, o, now) == (expected.rfind("error: ", 0) == 0 ? "error" : expected));
        ++compared;
        if (expected.rfind("error: ", 0) != 0) ++fast_successes;
      }
    }
  }
  CHECK(compared == 3 * 13 * 60);
  CHECK(fast_successes > compared / 5);  // a third of the setups must throw
}

TEST_CASE("presign_append into a reused buffer makes no heap allocation per URL", "[s3][fastpath]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  s3::signer signer(c, {});
  s3::presign_options o;
  o.query.push_back({"response-content-disposition", "attachment; filename=\"r\xC3\xA9sum\xC3\xA9.pdf\""});
  std::string buffer;
  buffer.reserve(4096);
  signer.presign_append(buffer, "examplebucket", "warm/up.txt", o, may_24_2013);  // derives the day's key
  const std::string first = buffer;
  const std::vector<std::string> keys = {"a.txt", "photos/2013/05/24/img 0001.jpg", "\xE2\x82\xAC/price"};
  const long before = allocations.load();
  for (int i = 0; i < 300; ++i) {
    buffer.clear();
    signer.presign_append(buffer, "examplebucket", keys[static_cast<std::size_t>(i) % keys.size()], o,
                          may_24_2013 + seconds(i));
  }
  const long after = allocations.load();
  CHECK(after - before == 0);
  buffer.clear();
  signer.presign_append(buffer, "examplebucket", "warm/up.txt", o, may_24_2013);
  CHECK(buffer == first);

  SECTION("and the std::string API makes exactly one") {
    const long start = allocations.load();
    const std::string url = signer.presign("examplebucket", "warm/up.txt", o, may_24_2013);
    CHECK(allocations.load() - start == 1);
    CHECK(url == first);
  }
}

TEST_CASE("eight threads presigning across midnight all get correct signatures", "[s3][fastpath]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const s3::signer signer(c, {});
  s3::presign_options o;
  const urlmint::time_point midnight = *urlmint::parse_amz_date("20130525T000000Z");
  // Instants from 30 s before to 30 s after midnight, then two days on, so both cache slots
  // are replaced while other threads read them.
  std::vector<urlmint::time_point> times;
  for (int s = -30; s < 30; ++s) times.push_back(midnight + seconds(s));
  for (int s = -30; s < 30; ++s) times.push_back(midnight + seconds(2 * 86400 + s));
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < times.size(); ++i)
    expected.push_back(s3::presign(c, {}, "examplebucket", "k" + std::to_string(i % 7), o, times[i]));

  std::atomic<int> wrong{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string buffer;
      for (int round = 0; round < 40; ++round) {
        for (std::size_t j = 0; j < times.size(); ++j) {
          // Each thread walks the instants in its own order, so dates interleave.
          const std::size_t i = (j * static_cast<std::size_t>(2 * t + 1) + static_cast<std::size_t>(round)) % times.size();
          buffer.clear();
          signer.presign_append(buffer, "examplebucket", "k" + std::to_string(i % 7), o, times[i]);
          if (buffer != expected[i]) wrong.fetch_add(1);
          done.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK(done.load() == 8 * 40 * static_cast<int>(times.size()));
}

TEST_CASE("the std::error_code overloads set ec instead of throwing", "[s3][fastpath][error_code]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const s3::signer signer(c, {});
  s3::presign_options o;
  std::error_code ec;
  SECTION("an expiry over 604800 s") {
    o.expires_in = seconds(604801);
    std::string url;
    CHECK_NOTHROW(url = signer.presign("examplebucket", "k", o, may_24_2013, ec));
    CHECK(ec == urlmint::errc::invalid_argument);
    CHECK(url.empty());
    std::string out = "kept";
    CHECK_NOTHROW(signer.presign_append(out, "examplebucket", "k", o, may_24_2013, ec));
    CHECK(ec == urlmint::errc::invalid_argument);
    CHECK(out == "kept");
  }
  SECTION("an empty key") {
    CHECK(signer.presign("examplebucket", "", o, may_24_2013, ec).empty());
    CHECK(ec == urlmint::errc::invalid_argument);
    CHECK(ec.category().name() == std::string("urlmint"));
  }
  SECTION("success clears ec") {
    ec = make_error_code(urlmint::errc::io);
    CHECK(!signer.presign("examplebucket", "k", o, may_24_2013, ec).empty());
    CHECK(!ec);
  }
  SECTION("a presigner") {
    s3::presigner p(signer, "examplebucket", o);
    std::string out = "kept";
    p.append(out, "", may_24_2013, ec);
    CHECK(ec == urlmint::errc::invalid_argument);
    CHECK(out == "kept");
    p.append(out, "\xff", may_24_2013, ec);
    CHECK(ec == urlmint::errc::invalid_argument);
    CHECK(out == "kept");
    CHECK_THROWS_AS(s3::presigner(signer, "Bad_Bucket", o), urlmint::error);
  }
}

TEST_CASE("a presigner gives the signer's bytes across seconds, days and extra headers", "[s3][fastpath]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  const s3::signer signer(c, {});
  s3::presign_options o;
  o.method = "PUT";
  o.headers.push_back({"Content-Type", "image/png"});
  o.query.push_back({"X-Amz-Date", "20130524T000001Z"});  // sorts against the real X-Amz-Date
  s3::presigner p(signer, "examplebucket", o);
  std::string buffer;
  for (int i = 0; i < 200; ++i) {
    const urlmint::time_point now = may_24_2013 + seconds(i * 997);
    const std::string key = "photos/" + std::to_string(i) + ".png";
    buffer.clear();
    p.append(buffer, key, now);
    CHECK(buffer == general(c, {}, "examplebucket", key, o, now));
  }
}

TEST_CASE("a presigner of an access point, Accelerate or an MRAP gives the general steps' URLs", "[s3][fastpath]") {
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  s3::presign_options o;
  o.headers.push_back({"Content-Type", "image/png"});
  s3::config accelerate;
  accelerate.use_accelerate = true;
  s3::config object_lambda;
  object_lambda.region = "us-west-2";
  object_lambda.use_arn_region = true;
  const std::pair<s3::config, std::string> cases[] = {
      {s3::config{}, "arn:aws:s3:us-east-1:123456789012:accesspoint/reports"},
      {object_lambda, "arn:aws:s3-object-lambda:us-east-2:123456789012:accesspoint/thumbs"},
      {accelerate, "examplebucket"},
  };
  for (const auto& [cfg, bucket] : cases) {
    const s3::signer signer(c, cfg);
    s3::presigner p(signer, bucket, o);
    for (int i = 0; i < 3; ++i) {
      const urlmint::time_point now = may_24_2013 + seconds(i * 86399);
      const std::string key = "photos/" + std::to_string(i) + " a.png";
      CHECK(p.presign(key, now) == general(c, cfg, bucket, key, o, now));
      CHECK(signer.presign(bucket, key, o, now) == general(c, cfg, bucket, key, o, now));
    }
  }
  // SigV4a signatures are randomized: the URL up to the signature is the general steps', and the
  // signature verifies with the key pair.
  const std::string mrap = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
  const s3::signer signer(c, {});
  s3::presigner p(signer, mrap, o);
  const std::string url = p.presign("a b.png", may_24_2013);
  const auto steps = s3::presign_steps(c, {}, mrap, "a b.png", o, may_24_2013);
  const std::size_t signature_at = url.find("&X-Amz-Signature=");
  REQUIRE(signature_at != std::string::npos);
  CHECK(url.substr(0, signature_at) == signer.presign(mrap, "a b.png", o, may_24_2013).substr(0, signature_at));
  CHECK(urlmint::sigv4a::key_pair(c).verify(steps.string_to_sign, url.substr(signature_at + 17)));
}

TEST_CASE("a presigner refuses a directory bucket in one line that names the signer", "[s3][fastpath]") {
  // Its URLs are signed with the bucket's S3 Express session, which changes apart from the
  // signer's rotations; before this refusal the presigner said only "cannot presign".
  const urlmint::credentials c("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const s3::signer signer(c, {});
  CHECK_THROWS_WITH(s3::presigner(signer, "reports--use1-az4--x-s3", {}),
                    "s3: presigner: \"reports--use1-az4--x-s3\" is a directory bucket, whose URLs are signed with "
                    "its S3 Express session; use signer::presign, which asks the signer's session cache");
  CHECK(s3::detail::needs_resolved_plan({}, "reports--use1-az4--x-s3"));
  CHECK(s3::detail::needs_resolved_plan({}, "arn:aws:s3:us-east-1:123456789012:accesspoint/reports"));
  CHECK(s3::detail::needs_resolved_plan({}, "arn:not-an-arn"));  // resolve() words the refusal
  CHECK_FALSE(s3::detail::needs_resolved_plan({}, "examplebucket"));
}

TEST_CASE("one thread alternating access points and plain buckets across rotations gets each its own URL",
          "[s3][fastpath]") {
  // The signer keeps an access point's plan in the thread's one-URL cache; a plain bucket next
  // must not sign with it, and a rotation must rebuild it with the new key.
  struct rotating {
    int calls = 0;
    std::shared_ptr<const urlmint::credentials> get(urlmint::time_point) {
      ++calls;
      return std::make_shared<const urlmint::credentials>("AKIDROT" + std::to_string(calls),
                                                          "secret" + std::to_string(calls), "token" + std::to_string(calls));
    }
  };
  auto source = std::make_shared<rotating>();
  const s3::signer signer(source, {});
  const std::string buckets[] = {"arn:aws:s3:us-east-1:123456789012:accesspoint/reports", "examplebucket",
                                 "arn:aws:s3:eu-west-2:123456789012:accesspoint/ap-2", "arn:not-an-arn",
                                 "arn:aws:s3:eu-west-2:123456789012:accesspoint/ap-2"};
  s3::presign_options o;
  o.headers.push_back({"Content-Type", "image/png"});
  for (int i = 0; i < 20; ++i) {
    const urlmint::time_point now = may_24_2013 + seconds(i / 5 * 2);  // a new key every 2 s
    const std::string& bucket = buckets[i % 5];
    const std::string url = fast(signer, bucket, "k.png", o, now);
    const urlmint::credentials used("AKIDROT" + std::to_string(source->calls), "secret" + std::to_string(source->calls),
                                    "token" + std::to_string(source->calls));
    INFO("bucket " << bucket << ", key id " << used.access_key_id);
    CHECK(url == general(used, {}, bucket, "k.png", o, now));
    CHECK(with_ec(signer, bucket, "k.png", o, now) == (url.rfind("error: ", 0) == 0 ? "error" : url));
  }
  CHECK(source->calls == 4);
}
