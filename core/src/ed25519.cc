#include "custos/core/ed25519.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "ossl.h"

namespace custos::core {

struct Ed25519PublicKey::Impl {
  ossl::PkeyPtr pkey;
  std::string raw;
  // Contexts already initialised for verifying with `pkey`. Initialising one
  // fetches the algorithm (a locked lookup in OpenSSL 3); a one-shot Ed25519
  // verification leaves the context reusable, so a bulk verifier (a bundle of
  // 10,000 entries) pays that once per thread instead of once per signature.
  mutable std::mutex idle_mu;
  mutable std::vector<ossl::MdCtxPtr> idle;
};

struct Ed25519PrivateKey::Impl {
  ossl::PkeyPtr pkey;
  std::string seed;
  ~Impl() { OPENSSL_cleanse(seed.data(), seed.size()); }
};

namespace {

Status OsslError(std::string what) {
  return Status::Internal(std::move(what) + ": " + ossl::DrainErrors());
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Builds the public half from a private EVP_PKEY.
Result<Ed25519PublicKey> PublicFromPkey(EVP_PKEY* pkey) {
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kEd25519PublicKeySize) {
    return OsslError("EVP_PKEY_get_raw_public_key");
  }
  return Ed25519PublicKey::FromRaw(raw);
}

Result<std::string> PemOf(EVP_PKEY* pkey, bool is_private) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return OsslError("BIO_new");
  const int rc = is_private ? PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey, nullptr, nullptr, 0,
                                                            nullptr, nullptr)
                            : PEM_write_bio_PUBKEY(bio.get(), pkey);
  if (rc != 1) return OsslError("PEM_write_bio");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return OsslError("BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(len));
}

// A file descriptor that closes itself (cf. xapian common/fd.h).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return Status::InvalidArgument("Ed25519 public key must be 32 bytes, got " +
                                   std::to_string(raw.size()));
  }
  auto impl = std::make_shared<Impl>();
  impl->pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(raw), raw.size()));
  if (!impl->pkey) {
    return Status::InvalidArgument("invalid Ed25519 public key: " + ossl::DrainErrors());
  }
  impl->raw = std::string(raw);
  return Ed25519PublicKey(std::move(impl));
}

Result<Ed25519PublicKey> Ed25519PublicKey::FromPem(std::string_view pem) {
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OsslError("BIO_new_mem_buf");
  ossl::PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return Status::InvalidArgument("not a PEM public key: " + ossl::DrainErrors());
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::InvalidArgument("PEM public key is not Ed25519");
  }
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) !=
          1 ||
      len != kEd25519PublicKeySize) {
    return OsslError("EVP_PKEY_get_raw_public_key");
  }
  return FromRaw(raw);
}

const std::string& Ed25519PublicKey::raw() const { return impl_->raw; }

Result<std::string> Ed25519PublicKey::ToPem() const { return PemOf(impl_->pkey.get(), false); }

bool Ed25519PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  ossl::MdCtxPtr ctx;
  {
    std::lock_guard lock(impl_->idle_mu);
    if (!impl_->idle.empty()) {
      ctx = std::move(impl_->idle.back());
      impl_->idle.pop_back();
    }
  }
  if (!ctx) {
    ctx.reset(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1) {
      ERR_clear_error();
      return false;
    }
  }
  // Ed25519 is used without a digest: the whole message goes to the verifier.
  const bool ok = EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                                   message.size()) == 1;
  if (!ok) {
    ERR_clear_error();  // a bad signature is an answer, not an error to keep around
    return false;       // and the context is not reused after a failure
  }
  std::lock_guard lock(impl_->idle_mu);
  if (impl_->idle.size() < 16) impl_->idle.push_back(std::move(ctx));
  return true;
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  if (!ctx) return OsslError("EVP_PKEY_CTX_new_id");
  if (EVP_PKEY_keygen_init(ctx.get()) != 1) return OsslError("EVP_PKEY_keygen_init");
  EVP_PKEY* raw_pkey = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw_pkey) != 1) return OsslError("EVP_PKEY_keygen");
  ossl::PkeyPtr pkey(raw_pkey);
  std::string seed(kEd25519SeedSize, '\0');
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), reinterpret_cast<unsigned char*>(seed.data()),
                                   &len) != 1 ||
      len != kEd25519SeedSize) {
    return OsslError("EVP_PKEY_get_raw_private_key");
  }
  auto key = FromSeed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(std::string_view seed) {
  if (seed.size() != kEd25519SeedSize) {
    return Status::InvalidArgument("Ed25519 seed must be 32 bytes, got " +
                                   std::to_string(seed.size()));
  }
  auto impl = std::make_shared<Impl>();
  impl->pkey.reset(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size()));
  if (!impl->pkey) return OsslError("EVP_PKEY_new_raw_private_key");
  impl->seed = std::string(seed);
  CUSTOS_ASSIGN_OR_RETURN(Ed25519PublicKey pub, PublicFromPkey(impl->pkey.get()));
  return Ed25519PrivateKey(std::move(impl), std::move(pub));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(std::string_view pem) {
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OsslError("BIO_new_mem_buf");
  ossl::PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return Status::InvalidArgument("not a PEM private key: " + ossl::DrainErrors());
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::InvalidArgument("PEM private key is not Ed25519");
  }
  std::string seed(kEd25519SeedSize, '\0');
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), reinterpret_cast<unsigned char*>(seed.data()),
                                   &len) != 1 ||
      len != kEd25519SeedSize) {
    return OsslError("EVP_PKEY_get_raw_private_key");
  }
  auto key = FromSeed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return key;
}

Result<std::string> Ed25519PrivateKey::Sign(std::string_view message) const {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OsslError("EVP_MD_CTX_new");
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1) {
    return OsslError("EVP_DigestSignInit");
  }
  std::string sig(kEd25519SignatureSize, '\0');
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(message),
                     message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    return OsslError("EVP_DigestSign");
  }
  return sig;
}

std::string Ed25519PrivateKey::seed() const { return impl_->seed; }

Result<std::string> Ed25519PrivateKey::ToPem() const { return PemOf(impl_->pkey.get(), true); }

Status WritePrivateKeyFile(const std::string& path, const Ed25519PrivateKey& key) {
  CUSTOS_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return Status::Conflict("key file already exists: " + path);
    return Status::IOError(Errno("open " + path));
  }
  auto fail = [&](const std::string& what) {
    Status s = Status::IOError(Errno(what + " " + path));
    ::unlink(path.c_str());
    OPENSSL_cleanse(pem.data(), pem.size());
    return s;
  };
  // The umask can only narrow 0600; fchmod makes the mode exact regardless.
  if (::fchmod(fd.get(), 0600) != 0) return fail("fchmod");
  size_t done = 0;
  while (done < pem.size()) {
    const ssize_t n = ::write(fd.get(), pem.data() + done, pem.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (::close(fd.release()) != 0) return fail("close");
  OPENSSL_cleanse(pem.data(), pem.size());
  // Make the new directory entry durable too.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) {
    return Status::IOError(Errno("fsync directory " + dir));
  }
  return Status::Ok();
}

Result<Ed25519PrivateKey> ReadPrivateKeyFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound("no key file " + path);
    return Status::IOError(Errno("open " + path));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::IOError(Errno("fstat " + path));
  if ((st.st_mode & 077) != 0) {
    return Status::Forbidden("key file " + path + " is accessible by group or others");
  }
  if (st.st_size > 64 * 1024) return Status::InvalidArgument("key file too large: " + path);
  std::string pem;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(Errno("read " + path));
    if (n == 0) break;
    pem.append(buf, static_cast<size_t>(n));
    if (pem.size() > 64 * 1024) return Status::InvalidArgument("key file too large: " + path);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  auto key = Ed25519PrivateKey::FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

}  // namespace custos::core
