#include "cli/table.hpp"

#include <gtest/gtest.h>

namespace roster::cli {

TEST(Table, PadsColumnsToTheWidestCell) {
  EXPECT_EQ(format_table({{"Node", "ID", "Address"}, {"dimsdemo1", "5a8b", "127.0.0.1"}}),
            "Node       ID    Address\n"
            "dimsdemo1  5a8b  127.0.0.1\n");
  EXPECT_EQ(format_table({{"web", ""}, {"db", "primary"}}), "web\ndb   primary\n");
}

}  // namespace roster::cli
