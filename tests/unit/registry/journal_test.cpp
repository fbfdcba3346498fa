// The state log's pure core: encoding, replay, damaged logs; and the file shell.
#include "registry/journal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "registry/file_journal.hpp"

using namespace std::chrono_literals;

namespace roster::registry {
namespace {

Service web() {
  Service s;
  s.id = "web1";
  s.name = "web";
  s.tags = {"v1", "primary"};
  s.address = "10.0.0.5";
  s.port = 8080;
  s.meta = {{"k", "v"}};
  s.weights = {3, 1};
  s.enable_tag_override = true;
  return s;
}

Check ttl(std::string id, std::string service_id) {
  Check c;
  c.id = std::move(id);
  c.name = "ttl";
  c.notes = "n";
  c.output = "fine";
  c.status = HealthStatus::Passing;
  c.service_id = std::move(service_id);
  c.type = CheckType::Ttl;
  c.ttl = 30s;
  return c;
}

const WallTime kExpiry = WallTime(std::chrono::seconds(1'700'000'000));

TEST(Journal, RoundTripsServicesAndChecks) {
  std::string log;
  encode_put_service(log, web());
  encode_put_check(log, ttl("service:web1", "web1"), kExpiry);
  Check maint;
  maint.id = "_node_maintenance";
  maint.type = CheckType::Maintenance;
  maint.status = HealthStatus::Critical;
  encode_put_check(log, maint, std::nullopt);
  const auto r = replay(log);
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.corrupt, 0u);
  EXPECT_FALSE(r.torn_tail);
  EXPECT_EQ(r.valid_bytes, log.size());
  ASSERT_EQ(r.state.services.count("web1"), 1u);
  const Service& s = r.state.services.at("web1");
  EXPECT_TRUE(s.same_definition(web()));
  const PersistedCheck& c = r.state.checks.at("service:web1");
  EXPECT_TRUE(c.check.same_state(ttl("service:web1", "web1")));
  ASSERT_TRUE(c.expires);
  EXPECT_EQ(*c.expires, kExpiry);
  EXPECT_FALSE(r.state.checks.at("_node_maintenance").expires);
  EXPECT_EQ(r.state.checks.at("_node_maintenance").check.type, CheckType::Maintenance);
}

TEST(Journal, TaggedAddressesRoundTrip) {
  Service s = web();
  s.tagged_addresses["wan_ipv4"] = ServiceAddress{"198.51.100.7", 8080};
  s.tagged_addresses["virtual"] = ServiceAddress{"10.9.9.9", 443};
  std::string log;
  encode_put_service(log, s);
  const auto r = replay(log);
  EXPECT_EQ(r.corrupt, 0u);
  ASSERT_EQ(r.state.services.count("web1"), 1u);
  EXPECT_EQ(r.state.services.at("web1").tagged_addresses, s.tagged_addresses);
  EXPECT_TRUE(r.state.services.at("web1").same_definition(s));
}

TEST(Journal, DeletesApplyInOrder) {
  std::string log;
  encode_put_service(log, web());
  encode_put_check(log, ttl("service:web1", "web1"), kExpiry);
  encode_put_check(log, ttl("standalone", ""), std::nullopt);
  encode_del_service(log, "web1");  // takes its checks with it
  encode_del_check(log, "standalone");
  encode_put_check(log, ttl("later", ""), std::nullopt);
  const auto r = replay(log);
  EXPECT_TRUE(r.state.services.empty());
  ASSERT_EQ(r.state.checks.size(), 1u);
  EXPECT_EQ(r.state.checks.count("later"), 1u);
}

TEST(Journal, EmptyLogIsAnEmptyState) {
  const auto r = replay("");
  EXPECT_EQ(r.records, 0u);
  EXPECT_FALSE(r.torn_tail);
  EXPECT_TRUE(r.state.services.empty());
}

TEST(Journal, TornLastRecordIsDroppedAtEveryCut) {
  std::string log;
  encode_put_service(log, web());
  const std::size_t first = log.size();
  encode_put_check(log, ttl("service:web1", "web1"), kExpiry);
  for (std::size_t cut = first + 1; cut < log.size(); ++cut) {
    const auto r = replay(std::string_view(log).substr(0, cut));
    EXPECT_EQ(r.records, 1u) << cut;
    EXPECT_TRUE(r.torn_tail) << cut;
    EXPECT_EQ(r.valid_bytes, first) << cut;
    EXPECT_EQ(r.state.services.count("web1"), 1u);
    EXPECT_TRUE(r.state.checks.empty());
  }
}

TEST(Journal, ZeroFilledTailIsTorn) {
  std::string log;
  encode_put_service(log, web());
  const std::size_t good = log.size();
  log.append(64, '\0');
  const auto r = replay(log);
  EXPECT_EQ(r.records, 1u);
  EXPECT_TRUE(r.torn_tail);
  EXPECT_EQ(r.valid_bytes, good);
}

TEST(Journal, CorruptedRecordIsSkippedAndTheRestApplied) {
  std::string log;
  encode_put_service(log, web());
  const std::size_t second = log.size();
  encode_put_check(log, ttl("standalone", ""), std::nullopt);
  encode_put_check(log, ttl("other", ""), std::nullopt);
  log[second + 12] ^= 0x40;  // a payload byte of the second record
  const auto r = replay(log);
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.corrupt, 1u);
  EXPECT_FALSE(r.torn_tail);
  EXPECT_EQ(r.state.services.count("web1"), 1u);
  EXPECT_EQ(r.state.checks.count("standalone"), 0u);
  EXPECT_EQ(r.state.checks.count("other"), 1u);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class FileJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = (std::filesystem::temp_directory_path() /
           ("roster-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name()))
              .string();
    std::filesystem::remove_all(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string dir;
};

TEST_F(FileJournalTest, AppendsRewritesAndReplaysOnOpen) {
  {
    auto opened = FileJournal::open(dir);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->replayed.records, 0u);
    std::string recs;
    encode_put_service(recs, web());
    ASSERT_TRUE(opened->journal->append(recs));
    std::string more;
    encode_put_check(more, ttl("standalone", ""), std::nullopt);
    ASSERT_TRUE(opened->journal->append(more));
  }
  {
    auto opened = FileJournal::open(dir);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->replayed.records, 2u);
    std::string image;
    encode_put_check(image, ttl("only", ""), std::nullopt);
    ASSERT_TRUE(opened->journal->rewrite(image));
    std::string after;
    encode_del_check(after, "only");
    encode_put_check(after, ttl("last", ""), std::nullopt);
    ASSERT_TRUE(opened->journal->append(after));
    EXPECT_FALSE(std::filesystem::exists(opened->journal->path() + ".tmp"));
  }
  auto opened = FileJournal::open(dir);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->replayed.state.services.empty());
  ASSERT_EQ(opened->replayed.state.checks.size(), 1u);
  EXPECT_EQ(opened->replayed.state.checks.count("last"), 1u);
}

TEST_F(FileJournalTest, TornTailIsTruncatedSoAppendsFollowTheLastWholeRecord) {
  std::string path;
  {
    auto opened = FileJournal::open(dir);
    ASSERT_TRUE(opened);
    path = opened->journal->path();
    std::string recs;
    encode_put_service(recs, web());
    ASSERT_TRUE(opened->journal->append(recs));
  }
  const std::size_t good = std::filesystem::file_size(path);
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    std::string half;
    encode_put_check(half, ttl("torn", ""), std::nullopt);
    out << half.substr(0, half.size() / 2);
  }
  {
    auto opened = FileJournal::open(dir);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened->replayed.torn_tail);
    EXPECT_EQ(std::filesystem::file_size(path), good);
    std::string recs;
    encode_put_check(recs, ttl("next", ""), std::nullopt);
    ASSERT_TRUE(opened->journal->append(recs));
  }
  const auto r = replay(read_file(path));
  EXPECT_FALSE(r.torn_tail);
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.state.checks.count("next"), 1u);
}

}  // namespace
}  // namespace roster::registry
