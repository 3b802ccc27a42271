// S3's additional checksums (checksums.hpp) in bytes/s, next to the payload SHA-256 every
// signed upload pays: each CRC on its hardware kernel (automatic) and on the portable tables.
// The target is >= 5 GB/s for CRC32C and CRC64NVME on the build machine.
#include <benchmark/benchmark.h>

#include <string>

#include <urlmint/checksums.hpp>

namespace {

namespace cs = urlmint::checksums;

template <cs::algorithm A, cs::kernel K>
void BM_checksum(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  cs::hasher h(A, K);
  for (auto _ : state) {
    h.update(body);
    benchmark::DoNotOptimize(h.crc());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

constexpr auto hw = cs::kernel::automatic;
constexpr auto sw = cs::kernel::portable;
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc32c, hw)->Arg(4 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc64nvme, hw)->Arg(4 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc32, hw)->Arg(4 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc32c, sw)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc64nvme, sw)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::crc32, sw)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::sha1, hw)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_checksum, cs::algorithm::sha256, hw)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
