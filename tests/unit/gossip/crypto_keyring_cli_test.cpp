// `roster keyring`: the -list text and the usage errors (no agent needed).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/keyring_command.hpp"

namespace roster::cli {
namespace {

TEST(KeyringCli, ListTextFollowsConsul) {
  rapidjson::Document d;
  d.Parse(R"([{"WAN":false,"Datacenter":"dc1","Segment":"","Keys":{"b=":2,"a=":3},
              "PrimaryKeys":{"a=":3},"NumNodes":3,"Messages":{"node3":"no reply"}}])");
  EXPECT_EQ(format_keyring_list(d),
            "\ndc1 (LAN):\n"
            "  Keys:\n"
            "    a= [3/3]\n"
            "    b= [2/3]\n"
            "  Primary Keys:\n"
            "    a= [3/3]\n"
            "  Messages:\n"
            "    node3: no reply\n");
  rapidjson::Document not_array;
  not_array.Parse("{}");
  EXPECT_EQ(format_keyring_list(not_array), "");
}

TEST(KeyringCli, UsageErrors) {
  const Environment env;
  std::ostringstream out, err;
  const Io io{out, err, env};
  EXPECT_EQ(run_keyring({}, io), 2);
  EXPECT_NE(err.str().find("Usage: roster keyring"), std::string::npos);
  err.str("");
  EXPECT_EQ(run_keyring({"-list", "-install", "abc"}, io), 2);
  EXPECT_EQ(err.str(), "Only a single action is allowed\n");
  EXPECT_EQ(run_keyring({"-bogus"}, io), 2);
  EXPECT_EQ(run_keyring({"-h"}, io), 0);
  EXPECT_NE(out.str().find("-install NEW, then -use NEW, then -remove OLD"), std::string::npos);
}

TEST(KeyringCli, UnreachableAgentIsExit1) {
  const Environment env;
  std::ostringstream out, err;
  const Io io{out, err, env};
  // Port 1 on loopback: nothing listens there.
  EXPECT_EQ(run_keyring({"-list", "-http-addr", "127.0.0.1:1"}, io), 1);
  EXPECT_EQ(err.str().rfind("error: ", 0), 0u) << err.str();
}

}  // namespace
}  // namespace roster::cli
