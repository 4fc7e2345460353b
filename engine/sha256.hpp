#pragma once
// SHA-256 (FIPS 180-4), written for the store: content hashes of imported files, rule sets and
// runs. Small and dependency-free (no OpenSSL in the dependency list). Incremental: feed bytes
// with update(), take the digest once with hex() or digest(). Not thread-safe; one object per hash.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace toets {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Ends the hash; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  std::string hex();  // 64 lower-case hex digits

 private:
  void block(const std::uint8_t* data);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes fed so far
  bool finished_ = false;
};

std::string sha256_hex(std::string_view text);

}  // namespace toets
