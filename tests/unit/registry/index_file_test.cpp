// The high-water index never lets a later run reuse an index.
#include "registry/index_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace roster::registry {
namespace {
namespace fs = std::filesystem;

class IndexFileTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("roster-index-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void TearDown() override { fs::remove_all(dir); }
};

}  // namespace

TEST_F(IndexFileTest, AFreshDataDirStartsAtOneAndPersistsALeaseAhead) {
  auto f = IndexFile::open(dir.string());
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)->start(), 1u);
  EXPECT_EQ((*f)->mark(), 1u + IndexFile::kLease);
}

TEST_F(IndexFileTest, ARestartStartsAboveEveryIndexTheLastRunCouldHaveUsed) {
  Index last_used = 0;
  {
    auto f = IndexFile::open(dir.string());
    ASSERT_TRUE(f);
    for (Index i = (*f)->start(); i < 2600; ++i) {
      ASSERT_TRUE((*f)->observe(i));
      last_used = i;
      ASSERT_GT((*f)->mark(), i);  // the mark always stays ahead of use
    }
  }  // no clean shutdown needed: the mark is already on disk
  auto again = IndexFile::open(dir.string());
  ASSERT_TRUE(again);
  EXPECT_GT((*again)->start(), last_used);
  auto third = IndexFile::open(dir.string());
  ASSERT_TRUE(third);
  EXPECT_GT((*third)->start(), (*again)->start());
}

TEST_F(IndexFileTest, FewWritesArePersisted) {
  auto f = IndexFile::open(dir.string());
  ASSERT_TRUE(f);
  const Index mark = (*f)->mark();
  ASSERT_TRUE((*f)->observe(2));
  ASSERT_TRUE((*f)->observe(IndexFile::kLease / 2));
  EXPECT_EQ((*f)->mark(), mark);  // within half a lease: no write
}

TEST_F(IndexFileTest, GarbageIsAnErrorNotASilentRestartAtOne) {
  fs::create_directories(dir);
  std::ofstream(dir / "index-high-water") << "12abc\n";
  auto f = IndexFile::open(dir.string());
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("invalid index file"), std::string::npos);
}

TEST(WallClockSeed, IsMicrosecondsAndStaysBelowTwoToThe53) {
  const auto now = std::chrono::system_clock::now();
  const Index seed = wall_clock_seed(now);
  EXPECT_GT(seed, 1'600'000'000'000'000u);
  EXPECT_LT(seed, 1ULL << 53);
  EXPECT_GT(wall_clock_seed(now + std::chrono::microseconds(1)), seed);
}

}  // namespace roster::registry
