#include "wrapper/address.hpp"

#include <gtest/gtest.h>

namespace roster::wrapper {
namespace {

InterfaceAddress iface(const char* name, const char* ip) { return {name, asio::ip::make_address(ip)}; }

const std::vector<InterfaceAddress> kHost = {
    iface("lo", "127.0.0.1"),   iface("lo", "::1"),
    iface("eth0", "fe80::1"),   iface("eth0", "10.1.2.3"), iface("eth0", "10.1.2.4"),
    iface("eth1", "fe80::2"),   iface("eth1", "fd00::7"),  iface("docker0", "172.17.0.1"),
};

std::string chosen(std::string_view spec) {
  auto r = choose_address(spec, kHost);
  EXPECT_TRUE(r.ok()) << spec << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->ip : "";
}

std::string refused(std::string_view spec) {
  auto r = choose_address(spec, kHost);
  EXPECT_FALSE(r.ok()) << spec << " gave " << (r.ok() ? r->ip : "");
  return r.ok() ? "" : r.error().message;
}

TEST(ChooseAddress, AnIpIsTakenAsGivenEvenLoopback) {
  EXPECT_EQ(chosen("10.20.1.15"), "10.20.1.15");
  EXPECT_EQ(chosen("127.0.0.1"), "127.0.0.1");  // asked for explicitly
  EXPECT_EQ(chosen("fd00::1"), "fd00::1");
  EXPECT_EQ(choose_address("10.20.1.15", kHost)->source, "given");
  EXPECT_NE(refused("0.0.0.0").find("wildcard"), std::string::npos);
  refused("::");
}

TEST(ChooseAddress, AnInterfaceGivesItsFirstIpv4ElseGlobalIpv6) {
  EXPECT_EQ(chosen("eth0"), "10.1.2.3");
  EXPECT_EQ(choose_address("eth0", kHost)->source, "interface eth0");
  EXPECT_EQ(chosen("eth1"), "fd00::7");  // link-local fe80:: skipped
  EXPECT_EQ(chosen("docker0"), "172.17.0.1");
}

TEST(ChooseAddress, LoopbackFromAnInterfaceIsRefused) {
  const auto why = refused("lo");
  EXPECT_NE(why.find("loopback"), std::string::npos) << why;
  EXPECT_NE(why.find("127.0.0.1"), std::string::npos) << why;  // says how to ask for it explicitly
}

TEST(ChooseAddress, UnknownInterfacesAndLinkLocalOnlyInterfacesAreRefused) {
  EXPECT_NE(refused("wlan9").find("neither an IP address nor an interface"), std::string::npos);
  const std::vector<InterfaceAddress> ll = {iface("eth0", "fe80::1")};
  EXPECT_FALSE(choose_address("eth0", ll).ok());
  EXPECT_FALSE(choose_address("", kHost).ok());
}

TEST(ChooseAddress, ANetworkPicksTheInterfaceAddressInsideIt) {
  EXPECT_EQ(chosen("10.0.0.0/8"), "10.1.2.3");
  EXPECT_EQ(chosen("172.16.0.0/12"), "172.17.0.1");
  EXPECT_EQ(chosen("fd00::/8"), "fd00::7");
  EXPECT_EQ(chosen("0.0.0.0/0"), "10.1.2.3");  // loopback skipped
  EXPECT_EQ(chosen("127.0.0.0/8"), "127.0.0.1");  // asked for explicitly
  EXPECT_EQ(choose_address("10.0.0.0/8", kHost)->source, "network 10.0.0.0/8 (eth0)");
  refused("192.168.0.0/16");
  refused("10.0.0.0/33");
  refused("10.0.0.0/x");
  refused("nonsense/8");
}

TEST(ChooseAddress, TheHostHasInterfaces) {
  // The I/O half: at least loopback exists on any host the tests run on.
  const auto all = list_interface_addresses();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const auto& a) { return a.address.to_string() == "127.0.0.1"; }));
}

}  // namespace
}  // namespace roster::wrapper
