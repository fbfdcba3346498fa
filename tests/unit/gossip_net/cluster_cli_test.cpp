// `roster members|join|leave|force-leave`: usage errors and an unreachable
// agent (the integration suite test_cluster.py runs them against real agents).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/members_command.hpp"

namespace roster::cli {
namespace {

struct Streams {
  Environment env;
  std::ostringstream out, err;
  Io io{out, err, env};
};

TEST(ClusterCli, UsageErrorsAreExit2) {
  Streams s;
  EXPECT_EQ(run_join({}, s.io), 2);
  EXPECT_NE(s.err.str().find("At least one address"), std::string::npos);
  EXPECT_EQ(run_force_leave({}, s.io), 2);
  EXPECT_EQ(run_force_leave({"a", "b"}, s.io), 2);
  EXPECT_EQ(run_members({"-bogus"}, s.io), 2);
  EXPECT_EQ(run_leave({"extra"}, s.io), 2);
  EXPECT_EQ(run_members({"-h"}, s.io), 0);
  EXPECT_NE(s.out.str().find("Usage: roster members"), std::string::npos);
}

TEST(ClusterCli, UnreachableAgentIsExit1WithConsulsWording) {
  Streams s;
  // Port 1 on loopback: nothing listens there.
  EXPECT_EQ(run_members({"-http-addr", "127.0.0.1:1"}, s.io), 1);
  EXPECT_EQ(s.err.str().rfind("Error retrieving members: ", 0), 0u) << s.err.str();
  EXPECT_EQ(run_join({"-http-addr", "127.0.0.1:1", "10.0.0.1"}, s.io), 1);
  EXPECT_NE(s.err.str().find("Error joining address '10.0.0.1'"), std::string::npos);
  EXPECT_NE(s.err.str().find("Failed to join any nodes."), std::string::npos);
  EXPECT_EQ(run_leave({"-http-addr", "127.0.0.1:1"}, s.io), 1);
  EXPECT_EQ(run_force_leave({"-http-addr", "127.0.0.1:1", "n1"}, s.io), 1);
  EXPECT_NE(s.err.str().find("Error force leaving"), std::string::npos);
  EXPECT_EQ(run_members({"-http-addr", "127.0.0.1:1", "-status", "("}, s.io), 1);  // bad regex
}

}  // namespace
}  // namespace roster::cli
