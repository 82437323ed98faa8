#include "custos/core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "custos/core/encoding.h"
#include "ossl.h"

namespace custos::core {

namespace {

// SHA-256 fetched once. EVP_sha256() is fetched again from the provider on
// every EVP_DigestInit_ex/EVP_Digest (a locked lookup), which costs as much as
// hashing a Merkle node; a verifier hashes hundreds of thousands of those.
// Never freed: it lives as long as the process.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

}  // namespace

struct Sha256Hasher::Impl {
  ossl::MdCtxPtr ctx{EVP_MD_CTX_new()};
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  // Failure here means OpenSSL is unusable (out of memory): an invariant.
  [[maybe_unused]] int rc = EVP_DigestInit_ex(impl_->ctx.get(), Sha256Md(), nullptr);
  assert(rc == 1);
}
Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) {
  [[maybe_unused]] int rc = EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size());
  assert(rc == 1);
}

std::string Sha256Hasher::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  [[maybe_unused]] int rc = EVP_DigestFinal_ex(impl_->ctx.get(), md, &len);
  assert(rc == 1);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string Sha256(std::string_view data) {
  // One context per thread, re-initialised per call (no allocation).
  thread_local ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char md[32];
  unsigned int len = 0;
  [[maybe_unused]] int rc = EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) == 1 &&
                            EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                            EVP_DigestFinal_ex(ctx.get(), md, &len) == 1;
  assert(rc == 1 && len == 32);
  return std::string(reinterpret_cast<char*>(md), 32);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::Internal("RAND_bytes failed: " + ossl::DrainErrors());
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

constexpr int kScryptLogN = 15;
constexpr uint64_t kScryptR = 8;
constexpr uint64_t kScryptP = 1;
constexpr size_t kHashLen = 32;

Result<std::string> Scrypt(std::string_view password, std::string_view salt, int log_n,
                           uint64_t r, uint64_t p) {
  std::string out(kHashLen, '\0');
  // maxmem: 128 * r * N * p plus slack.
  uint64_t maxmem = 256ull * r * (1ull << log_n) * p + (1 << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                     1ull << log_n, r, p, maxmem,
                     reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1) {
    return Status::Internal("scrypt failed: " + ossl::DrainErrors());
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  CUSTOS_ASSIGN_OR_RETURN(std::string salt, RandomBytes(16));
  CUSTOS_ASSIGN_OR_RETURN(std::string hash,
                          Scrypt(password, salt, kScryptLogN, kScryptR, kScryptP));
  return "scrypt$" + std::to_string(kScryptLogN) + "$" + std::to_string(kScryptR) + "$" +
         std::to_string(kScryptP) + "$" + Base64Encode(salt) + "$" + Base64Encode(hash);
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = encoded.find('$', start);
    parts.push_back(encoded.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  int log_n = 0;
  uint64_t r = 0, p = 0;
  if (!ParseNumber(parts[1], log_n) || !ParseNumber(parts[2], r) || !ParseNumber(parts[3], p))
    return false;
  if (log_n < 10 || log_n > 20 || r == 0 || r > 32 || p == 0 || p > 16) return false;
  auto salt = Base64Decode(parts[4]);
  auto want = Base64Decode(parts[5]);
  if (!salt || !want || want->size() != kHashLen) return false;
  auto got = Scrypt(password, *salt, log_n, r, p);
  return got.ok() && ConstantTimeEquals(*got, *want);
}

}  // namespace custos::core
