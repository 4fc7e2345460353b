// SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto (EVP and the one-shot HMAC).

#include "engine/base/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace toets {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

// libcrypto fails only when it cannot allocate or its provider is missing: no input can cause it.
void require(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("libcrypto: ") + what + " failed");
}

}  // namespace

void Sha256::FreeContext::operator()(evp_md_ctx_st* context) const { EVP_MD_CTX_free(context); }

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_) throw std::bad_alloc();
  require(EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr), "SHA-256 init");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
  if (finished_) throw std::logic_error("Sha256::update after the digest was taken");
  if (size > 0) require(EVP_DigestUpdate(context_.get(), data, size), "SHA-256 update");
}

std::array<std::uint8_t, 32> Sha256::digest() {
  if (!finished_) {
    unsigned int size = 0;
    require(EVP_DigestFinal_ex(context_.get(), digest_.data(), &size), "SHA-256 final");
    finished_ = true;
  }
  return digest_;
}

std::string Sha256::hex() {
  const auto bytes = digest();
  return to_hex(bytes.data(), bytes.size());
}

std::string sha256_hex(std::string_view text) {
  Sha256 hash;
  hash.update(text);
  return hash.hex();
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // A zero-length key is a valid HMAC key; HMAC() wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const void* key_bytes = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), out, &size) == nullptr) {
    throw std::runtime_error("libcrypto: HMAC-SHA-256 failed");
  }
  return to_hex(out, size);
}

}  // namespace toets
