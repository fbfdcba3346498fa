#include "http/client_limits.hpp"

#include <gtest/gtest.h>

#include "http/request.hpp"

namespace roster::http {

TEST(ClientLimits, EachClientGetsItsOwnQuotaAndLeasesGiveItBack) {
  ClientLimits limits(2);
  auto a1 = limits.acquire("10.0.0.1");
  auto a2 = limits.acquire("10.0.0.1");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(limits.acquire("10.0.0.1"));
  EXPECT_TRUE(limits.acquire("10.0.0.2"));  // another client is not affected
  EXPECT_EQ(limits.open("10.0.0.1"), 2u);
  a1.reset();
  EXPECT_EQ(limits.open("10.0.0.1"), 1u);
  EXPECT_TRUE(limits.acquire("10.0.0.1"));
  a2.reset();
  EXPECT_EQ(limits.open("10.0.0.1"), 0u);
}

TEST(ClientLimits, ZeroMeansNoLimit) {
  ClientLimits limits(0);
  std::vector<ClientLimits::Lease> held;
  for (int i = 0; i < 1000; ++i) held.push_back(std::move(*limits.acquire("c")));
  EXPECT_EQ(limits.open("c"), 1000u);
}

TEST(RequestToken, QueryThenHeaderThenBearer) {
  Request r;
  r.headers["authorization"] = "BEARER  abc extra";
  EXPECT_EQ(r.token(), "abc");
  r.headers["x-consul-token"] = "hdr";
  EXPECT_EQ(r.token(), "hdr");
  r.query = QueryParams::parse("token=q");
  EXPECT_EQ(r.token(), "q");
  Request basic;
  basic.headers["authorization"] = "Basic dXNlcjpwdw==";
  EXPECT_EQ(basic.token(), "");
}

}  // namespace roster::http
