#include "custos/core/digest.h"

#include <cassert>
#include <cstdio>
#include <memory>

#include "custos/core/encoding.h"
#include "ossl.h"

namespace custos::core {
namespace {

const EVP_MD* MdOf(std::string_view name) {
  if (name == "md5") return EVP_md5();
  if (name == "sha1") return EVP_sha1();
  if (name == "sha224") return EVP_sha224();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

struct Digester::Impl {
  ossl::MdCtxPtr ctx;
};

Digester::Digester(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Digester::~Digester() = default;

bool IsKnownDigest(std::string_view algorithm) { return MdOf(algorithm) != nullptr; }

Result<std::unique_ptr<Digester>> Digester::Create(std::string_view algorithm) {
  const EVP_MD* md = MdOf(algorithm);
  if (!md) return Status::InvalidArgument("unknown digest algorithm " + std::string(algorithm));
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(EVP_MD_CTX_new());
  if (!impl->ctx || EVP_DigestInit_ex(impl->ctx.get(), md, nullptr) != 1) {
    return Status::Internal("digest init failed: " + ossl::DrainErrors());
  }
  return std::unique_ptr<Digester>(new Digester(std::move(impl)));
}

void Digester::Update(std::string_view data) {
  [[maybe_unused]] int rc = EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size());
  assert(rc == 1);
}

std::string Digester::FinishHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  [[maybe_unused]] int rc = EVP_DigestFinal_ex(impl_->ctx.get(), out, &n);
  assert(rc == 1);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), n));
}

Result<std::string> DigestFileHex(std::string_view algorithm, const std::string& path) {
  auto d = Digester::Create(algorithm);
  if (!d.ok()) return d.status();
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::IOError("cannot read " + path);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) (*d)->Update(std::string_view(buf, n));
  if (std::ferror(f.get())) return Status::IOError("error reading " + path);
  return (*d)->FinishHex();
}

}  // namespace custos::core
