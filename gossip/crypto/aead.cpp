#include "gossip/crypto/aead.hpp"

#include <openssl/evp.h>

#include <limits>
#include <stdexcept>

namespace roster::gossip::crypto {
namespace {

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("AES-GCM: ") + what); }

int len_of(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) fail("input too large");
  return static_cast<int>(n);
}

}  // namespace

Aead::Aead(const Key256& key, Direction direction) : ctx_(EVP_CIPHER_CTX_new()), direction_(direction) {
  if (!ctx_) fail("EVP_CIPHER_CTX_new failed");
  const int ok = direction == Direction::Seal
                     ? EVP_EncryptInit_ex(ctx_, EVP_aes_256_gcm(), nullptr, key.data(), nullptr)
                     : EVP_DecryptInit_ex(ctx_, EVP_aes_256_gcm(), nullptr, key.data(), nullptr);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx_);
    fail("cannot set the key");
  }
}

Aead::~Aead() { EVP_CIPHER_CTX_free(ctx_); }

void Aead::seal(const Nonce& nonce, ByteView aad, ByteView plaintext, std::uint8_t* out) {
  if (direction_ != Direction::Seal) fail("seal on an opening key");
  int n = 0;
  if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce.data()) != 1) fail("cannot set the nonce");
  if (!aad.empty() && EVP_EncryptUpdate(ctx_, nullptr, &n, aad.data(), len_of(aad.size())) != 1) fail("aad");
  int written = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx_, out, &n, plaintext.data(), len_of(plaintext.size())) != 1) fail("encrypt");
    written = n;
  }
  if (EVP_EncryptFinal_ex(ctx_, out + written, &n) != 1) fail("final");
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, kTagSize, out + plaintext.size()) != 1) fail("tag");
}

bool Aead::open(const Nonce& nonce, ByteView aad, ByteView sealed, std::uint8_t* out) {
  if (direction_ != Direction::Open) fail("open on a sealing key");
  if (sealed.size() < kTagSize) return false;
  const std::size_t body = sealed.size() - kTagSize;
  int n = 0;
  if (EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce.data()) != 1) fail("cannot set the nonce");
  if (!aad.empty() && EVP_DecryptUpdate(ctx_, nullptr, &n, aad.data(), len_of(aad.size())) != 1) return false;
  int written = 0;
  if (body > 0) {
    if (EVP_DecryptUpdate(ctx_, out, &n, sealed.data(), len_of(body)) != 1) return false;
    written = n;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, kTagSize, const_cast<std::uint8_t*>(sealed.data() + body)) != 1)
    return false;
  return EVP_DecryptFinal_ex(ctx_, out + written, &n) == 1;
}

}  // namespace roster::gossip::crypto
