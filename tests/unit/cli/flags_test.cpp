#include "cli/flags.hpp"

#include <gtest/gtest.h>

namespace roster::cli {

TEST(ClientConfig, FlagsWinOverTheEnvironmentWhichWinsOverTheDefault) {
  ClientFlags none;
  auto c = client_config(none, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8500);
  c = client_config(none, {{"CONSUL_HTTP_ADDR", "http://10.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "t1"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "10.0.0.1");
  EXPECT_EQ(c->port, 8501);
  EXPECT_EQ(c->token, "t1");
  ClientFlags given{"127.0.0.2:9", "t2"};
  c = client_config(given, {{"CONSUL_HTTP_ADDR", "10.0.0.1:8501"}, {"CONSUL_HTTP_TOKEN", "t1"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "127.0.0.2");
  EXPECT_EQ(c->token, "t2");
  EXPECT_FALSE(client_config(ClientFlags{"host:nope", ""}, {}));
}

TEST(ParseFlags, AcceptsConsulSpellingsAndCollectsWords) {
  namespace po = boost::program_options;
  ClientFlags f;
  po::options_description desc;
  add_client_flags(desc, f);
  po::variables_map vm;
  std::vector<std::string> words;
  ASSERT_TRUE(parse_flags({"-http-addr=1.2.3.4:5", "svc1", "--token", "x"}, desc, vm, &words));
  EXPECT_EQ(f.http_addr, "1.2.3.4:5");
  EXPECT_EQ(f.token, "x");
  EXPECT_EQ(words, std::vector<std::string>{"svc1"});
  po::variables_map vm2;
  EXPECT_FALSE(parse_flags({"-bogus"}, desc, vm2, &words));
  po::variables_map vm3;
  EXPECT_FALSE(parse_flags({"stray"}, desc, vm3, nullptr));
}

}  // namespace roster::cli
