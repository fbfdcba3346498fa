// Keys, base64, HKDF (RFC 5869 vectors), CRC32C, the replay window.
#include <gtest/gtest.h>

#include <set>

#include "gossip/crypto/base64.hpp"
#include "gossip/crypto/context.hpp"
#include "gossip/crypto/hkdf.hpp"
#include "gossip/crypto/key.hpp"
#include "gossip/crypto/replay_window.hpp"

namespace roster::gossip::crypto {
namespace {

std::string hex(ByteView b) {
  static constexpr char d[] = "0123456789abcdef";
  std::string out;
  for (auto c : b) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

Bytes range(std::uint8_t from, std::uint8_t to) {
  Bytes b;
  for (int i = from; i <= to; ++i) b.push_back(static_cast<std::uint8_t>(i));
  return b;
}

TEST(CryptoHkdf, Rfc5869TestCase1) {
  const Bytes ikm(22, 0x0b);
  Bytes okm(42);
  hkdf_sha256(ikm, range(0x00, 0x0c), range(0xf0, 0xf9), okm);
  EXPECT_EQ(hex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(CryptoHkdf, Rfc5869TestCase2LongInputs) {
  Bytes okm(82);
  hkdf_sha256(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), okm);
  EXPECT_EQ(hex(okm),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
            "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

TEST(CryptoHkdf, Rfc5869TestCase3EmptySaltAndInfo) {
  const Bytes ikm(22, 0x0b);
  Bytes okm(42);
  hkdf_sha256(ikm, {}, {}, okm);
  EXPECT_EQ(hex(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(CryptoBase64, RoundTripsEveryLength) {
  for (std::size_t n = 0; n < 40; ++n) {
    Bytes b;
    for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 11));
    const std::string text = base64_encode(b);
    EXPECT_EQ(text.size() % 4, 0u);
    if (n == 0) continue;
    auto back = base64_decode(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, b);
  }
  EXPECT_EQ(base64_encode(as_bytes("foobar")), "Zm9vYmFy");  // RFC 4648 §10
  EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
}

TEST(CryptoBase64, ErrorsSayWhatIsWrong) {
  auto err = [](std::string_view s) {
    auto r = base64_decode(s);
    EXPECT_FALSE(r) << s;
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(err(""), "it is empty");
  EXPECT_EQ(err("  \n"), "it is empty");
  EXPECT_NE(err("abc").find("length 3 is not a multiple of 4"), std::string::npos);
  EXPECT_NE(err("ab%d").find("unexpected '%' at offset 2"), std::string::npos);
  EXPECT_NE(err("a=bc").find("padding '=' at offset 1 before the end"), std::string::npos);
  EXPECT_NE(err("ab-_").find("URL-safe base64"), std::string::npos);
  EXPECT_NE(err("ab\x01" "c").find("byte 0x01"), std::string::npos);
  EXPECT_NE(err("ab c").find("unexpected"), std::string::npos);  // inner spaces are not skipped
}

TEST(CryptoKey, ParsesConsulKeysOfEverySize) {
  for (const char* text : {"r+pUD3yH8bZVHxPrBwmI2g==",                          // 16 bytes
                           "xGO97pQcfaG6I/lVzMoqFAW1BtRjn0sZ",                  // 24 bytes
                           "HD5Y61iE+neTxd1n6TnXhCPViPIUq5QpWq8WW8012XA="}) {   // 32 bytes
    auto k = Key::parse(text);
    ASSERT_TRUE(k) << text << ": " << k.error().message;
    EXPECT_EQ(k->to_base64(), text);
    EXPECT_LT(k->id(), 16);
  }
  auto padded = Key::parse("  HD5Y61iE+neTxd1n6TnXhCPViPIUq5QpWq8WW8012XA=\n");
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->size(), 32u);
}

TEST(CryptoKey, RejectsWrongSizesAndBadBase64WithReasons) {
  auto twenty = Key::parse(base64_encode(Bytes(20, 7)));
  ASSERT_FALSE(twenty);
  EXPECT_EQ(twenty.error().code, ErrorCode::Invalid);
  EXPECT_EQ(twenty.error().message,
            "invalid gossip key: it is 20 bytes once decoded; it must be 16, 24 or 32 bytes (`roster keygen` makes one)");
  auto bad = Key::parse("not base64!");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("invalid gossip key: it is not valid base64", 0), 0u) << bad.error().message;
  EXPECT_FALSE(Key::parse(""));
  EXPECT_FALSE(Key::parse(base64_encode(Bytes(33, 1))));
}

TEST(CryptoKey, GeneratesDistinct32ByteKeys) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const Key k = Key::generate();
    EXPECT_EQ(k.size(), 32u);
    EXPECT_EQ(k.to_base64().size(), 44u);
    seen.insert(k.to_base64());
    auto again = Key::parse(k.to_base64());
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again == k);
    EXPECT_EQ(again->check(), k.check());
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(CryptoKey, CheckValueIsStableAndDiffersBetweenKeys) {
  auto a = Key::from_bytes(Bytes(32, 1));
  auto b = Key::from_bytes(Bytes(32, 2));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->check(), b->check());
  EXPECT_EQ(a->check(), Key::from_bytes(Bytes(32, 1))->check());
  EXPECT_EQ(a->id(), a->check() & 0x0f);
  EXPECT_FALSE(*a == *b);
}

TEST(CryptoContext, HashSeparatesDatacenterAndLabel) {
  EXPECT_NE(context_hash({"dc1", ""}), context_hash({"dc2", ""}));
  EXPECT_NE(context_hash({"ab", "c"}), context_hash({"a", "bc"}));
  EXPECT_EQ(context_hash({"dc1", "x"}), context_hash({"dc1", "x"}));
}

TEST(CryptoCrc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xe3069283u);
  EXPECT_EQ(crc32c(as_bytes("56789"), crc32c(as_bytes("1234"))), 0xe3069283u);
  EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xe3069283u);
  // The hardware and table paths agree on every length and alignment.
  Bytes data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<std::uint8_t>(i * 31 + 7));
  for (std::size_t off = 0; off < 9; ++off)
    for (std::size_t n = 0; n + off <= data.size(); n += 13) {
      const ByteView v(data.data() + off, n);
      EXPECT_EQ(crc32c(v, 0x1234), crc32c_portable(v, 0x1234)) << off << "+" << n;
    }
}

TEST(CryptoReplayWindow, AcceptsEachCounterOnceWithinTheWindow) {
  ReplayWindow w;
  EXPECT_EQ(w.check(1000), ReplayWindow::Verdict::Fresh);
  w.accept(1000);
  EXPECT_EQ(w.check(1000), ReplayWindow::Verdict::Duplicate);
  // The window's lower edge: 63 behind is inside, 64 behind is too old.
  EXPECT_EQ(w.check(1000 - 63), ReplayWindow::Verdict::Fresh);
  EXPECT_EQ(w.check(1000 - 64), ReplayWindow::Verdict::TooOld);
  w.accept(937);
  EXPECT_EQ(w.check(937), ReplayWindow::Verdict::Duplicate);
  EXPECT_EQ(w.check(999), ReplayWindow::Verdict::Fresh);
  // Moving ahead by one keeps the bits, shifted.
  w.accept(1001);
  EXPECT_EQ(w.check(1000), ReplayWindow::Verdict::Duplicate);
  EXPECT_EQ(w.check(937), ReplayWindow::Verdict::TooOld);  // now 64 behind
  EXPECT_EQ(w.check(938), ReplayWindow::Verdict::Fresh);
  // A jump of exactly the width forgets everything below the new highest.
  w.accept(1001 + 64);
  EXPECT_EQ(w.check(1001), ReplayWindow::Verdict::TooOld);
  EXPECT_EQ(w.check(1002), ReplayWindow::Verdict::Fresh);
  EXPECT_EQ(w.highest(), 1065u);
}

TEST(CryptoReplayWindow, BoundsFutureJumps) {
  ReplayWindow w(100);
  w.accept(5);
  EXPECT_EQ(w.check(105), ReplayWindow::Verdict::Fresh);
  EXPECT_EQ(w.check(106), ReplayWindow::Verdict::TooFarAhead);
  ReplayWindow fresh(100);
  EXPECT_EQ(fresh.check(1'000'000), ReplayWindow::Verdict::Fresh);  // the first counter sets the base
  EXPECT_FALSE(fresh.started());
}

TEST(CryptoReplayWindow, CounterZeroAndOutOfOrderArrivals) {
  ReplayWindow w;
  w.accept(3);
  EXPECT_EQ(w.check(0), ReplayWindow::Verdict::Fresh);
  w.accept(0);
  w.accept(2);
  EXPECT_EQ(w.check(0), ReplayWindow::Verdict::Duplicate);
  EXPECT_EQ(w.check(1), ReplayWindow::Verdict::Fresh);
  EXPECT_EQ(w.check(2), ReplayWindow::Verdict::Duplicate);
  EXPECT_EQ(w.check(3), ReplayWindow::Verdict::Duplicate);
}

}  // namespace
}  // namespace roster::gossip::crypto
