// Generated names, RFC 1464 meta text, IP encodings, name reading.
#include <gtest/gtest.h>

#include "dns/names.hpp"
#include "dns/wire/ip.hpp"
#include "dns/wire/name.hpp"

namespace roster::dns {
namespace {

TEST(Rfc1464, EscapesLikeConsul) {
  // Consul's encodeKVasRFC1464 test table.
  const std::pair<std::pair<const char*, const char*>, const char*> rows[] = {
      {{"color", "blue"}, "color=blue"},
      {{"Ears", "big"}, "Ears=big"},
      {{"abc=def", "ghi"}, "abc`=def=ghi"},
      {{"abc`def", "ghi"}, "abc``def=ghi"},
      {{"abc", "de=f"}, "abc=de=f"},
      {{"abc", "de`f"}, "abc=de``f"},
      {{" abc", "def"}, "` abc=def"},
      {{"abc ", "def"}, "abc` =def"},
      {{"  abc  ", "def"}, "` ` abc` ` =def"},
      {{"consul-network-segment", ""}, "consul-network-segment="},
  };
  for (const auto& [kv, want] : rows) EXPECT_EQ(encode_rfc1464(kv.first, kv.second), want) << kv.first;
}

TEST(Rfc1464, Rfc1035KeysGiveTheValueOnly) {
  EXPECT_EQ(meta_txt({{"RFC1035-raw", "v=spf1 -all"}, {"a", "b"}}),
            (std::vector<std::string>{"v=spf1 -all", "a=b"}));
}

TEST(Names, GeneratedNames) {
  const wire::Labels zone = {"Consul"};
  EXPECT_EQ(node_fqdn("Rack.Host", "dc1", zone), (wire::Labels{"Rack", "Host", "node", "dc1", "Consul"}));
  EXPECT_EQ(addr_fqdn(*wire::parse_ip("10.0.0.50"), "dc1", zone),
            (wire::Labels{"0a000032", "addr", "dc1", "Consul"}));
  EXPECT_EQ(wire::to_hex(*wire::parse_ip("fd00::1")), "fd000000000000000000000000000001");
}

TEST(Ip, ParsesOnlyAddresses) {
  EXPECT_TRUE(wire::parse_ip("10.0.0.1"));
  EXPECT_TRUE(wire::parse_ip("::1"));
  EXPECT_FALSE(wire::parse_ip("example.com"));
  EXPECT_FALSE(wire::parse_ip(""));
  EXPECT_FALSE(wire::from_hex("0a00003"));
  EXPECT_FALSE(wire::from_hex("0a00003g"));
}

TEST(Name, ValidityAndReading) {
  EXPECT_TRUE(wire::valid_name({"a", "b"}));
  EXPECT_FALSE(wire::valid_name({"a", ""}));
  EXPECT_FALSE(wire::valid_name({std::string(64, 'x')}));
  EXPECT_FALSE(wire::valid_name(wire::Labels(64, "abc")));  // 257 bytes
  EXPECT_FALSE(wire::make_dname({""}));

  const std::uint8_t ok[] = {3, 'W', 'e', 'b', 6, 'c', 'o', 'n', 's', 'u', 'l', 0};
  const auto n = wire::read_name(ok, 0);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->labels, (wire::Labels{"Web", "consul"}));
  EXPECT_EQ(n->end, sizeof ok);
  const std::uint8_t pointer[] = {3, 'w', 'e', 'b', 0xC0, 0};
  EXPECT_FALSE(wire::read_name(pointer, 0));
  const std::uint8_t truncated[] = {5, 'w', 'e'};
  EXPECT_FALSE(wire::read_name(truncated, 0));
}

}  // namespace
}  // namespace roster::dns
