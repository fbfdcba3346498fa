// The keyring, its file, the start-up precedence and the Consul-shaped operations.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gossip/crypto/keyring_file.hpp"
#include "gossip/crypto/keyring_ops.hpp"

namespace roster::gossip::crypto {
namespace {
namespace fs = std::filesystem;

Key key(std::uint8_t fill) { return *Key::from_bytes(Bytes(32, fill)); }

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("roster-keyring-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(CryptoKeyring, InstallUseRemoveFollowConsul) {
  Keyring r;
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.primary(), nullptr);
  ASSERT_TRUE(r.install(key(1)));
  EXPECT_TRUE(*r.primary() == key(1));  // the first key becomes primary
  ASSERT_TRUE(r.install(key(2)));
  ASSERT_TRUE(r.install(key(2)));  // installing twice changes nothing
  EXPECT_EQ(r.size(), 2u);
  EXPECT_TRUE(*r.primary() == key(1));

  auto missing = r.use(key(3));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  ASSERT_TRUE(r.use(key(2)));
  EXPECT_TRUE(*r.primary() == key(2));
  EXPECT_TRUE(r.keys()[1] == key(1));

  auto primary = r.remove(key(2));
  ASSERT_FALSE(primary);
  EXPECT_EQ(primary.error().code, ErrorCode::Conflict);
  EXPECT_NE(primary.error().message.find("removing the primary key is not allowed"), std::string::npos);
  EXPECT_EQ(r.remove(key(9)).error().code, ErrorCode::NotFound);
  ASSERT_TRUE(r.remove(key(1)));
  EXPECT_EQ(r.size(), 1u);
}

TEST(CryptoKeyring, DescribeShowsIdsNeverKeys) {
  const Keyring r = *Keyring::from_keys({key(1), key(2)});
  const std::string d = r.describe();
  EXPECT_EQ(d, "ID " + std::to_string(key(1).id()) + " (primary), ID " + std::to_string(key(2).id()));
  EXPECT_EQ(d.find(key(1).to_base64()), std::string::npos);
  EXPECT_EQ(Keyring{}.describe(), "no keys");
}

TEST(CryptoKeyring, CapsTheNumberOfKeys) {
  Keyring r;
  for (int i = 0; i < static_cast<int>(Keyring::kMaxKeys); ++i) ASSERT_TRUE(r.install(key(static_cast<std::uint8_t>(i))));
  EXPECT_EQ(r.install(key(200)).error().code, ErrorCode::Conflict);
}

TEST(CryptoKeyringStore, PublishesWholeChangesAndPersistsFirst) {
  KeyringStore store(*Keyring::from_keys({key(1)}));
  const auto before = store.snapshot();
  ASSERT_TRUE(store.update([](Keyring& r) { return r.install(key(2)); }));
  EXPECT_EQ(before->size(), 1u);  // an old snapshot never changes
  EXPECT_EQ(store.snapshot()->size(), 2u);
  EXPECT_EQ(store.generation(), 1u);

  int persisted = 0;
  store.set_persist([&](const Keyring& r) -> Status {
    ++persisted;
    if (r.size() > 2) return internal("disk full");
    return ok();
  });
  auto st = store.update([](Keyring& r) { return r.install(key(3)); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "disk full");
  EXPECT_EQ(store.snapshot()->size(), 2u);  // refused: not published
  ASSERT_TRUE(store.update([](Keyring& r) { return r.use(key(2)); }));
  EXPECT_EQ(persisted, 2);
  EXPECT_TRUE(*store.snapshot()->primary() == key(2));
}

TEST(CryptoKeyringFile, RoundTripsPrimaryFirst) {
  TempDir dir;
  const std::string path = dir.file("serf/local.keyring");
  Keyring ring = *Keyring::from_keys({key(1), key(2), key(3)});
  ASSERT_TRUE(ring.use(key(3)));
  ASSERT_TRUE(save_keyring_file(path, ring));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "[\"" + key(3).to_base64() + "\",\"" + key(1).to_base64() + "\",\"" + key(2).to_base64() + "\"]\n");
  auto back = load_keyring_file(path);
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->has_value());
  ASSERT_EQ((*back)->size(), 3u);
  EXPECT_TRUE(*(*back)->primary() == key(3));
  EXPECT_TRUE((*back)->keys()[2] == key(2));
}

TEST(CryptoKeyringFile, ReadsConsulsFormat) {
  auto r = decode_keyring_json(R"(["HD5Y61iE+neTxd1n6TnXhCPViPIUq5QpWq8WW8012XA=", "r+pUD3yH8bZVHxPrBwmI2g=="])");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->primary()->to_base64(), "HD5Y61iE+neTxd1n6TnXhCPViPIUq5QpWq8WW8012XA=");
}

TEST(CryptoKeyringFile, MissingFileIsNoKeyring) {
  TempDir dir;
  auto r = load_keyring_file(dir.file("local.keyring"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(CryptoKeyringFile, TornTempFileIsIgnored) {
  TempDir dir;
  const std::string path = dir.file("local.keyring");
  ASSERT_TRUE(save_keyring_file(path, *Keyring::from_keys({key(1)})));
  // A crash mid-save leaves half a temp file next to the real one.
  write_text(path + ".tmp", "[\"" + key(2).to_base64().substr(0, 10));
  auto r = load_keyring_file(path);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_TRUE(*(*r)->primary() == key(1));
  // The next save replaces the torn temp file.
  ASSERT_TRUE(save_keyring_file(path, *Keyring::from_keys({key(2)})));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_TRUE(*(**load_keyring_file(path)).primary() == key(2));
}

TEST(CryptoKeyringFile, InvalidFilesAreErrorsNamingTheProblem) {
  TempDir dir;
  const std::string path = dir.file("local.keyring");
  auto check = [&](const std::string& text, const std::string& expected) {
    write_text(path, text);
    auto r = load_keyring_file(path);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(path), std::string::npos);
  };
  check("[\"abc", "not valid JSON");
  check("{}", "expected a JSON array");
  check("[]", "holds no key");
  check("[1]", "entry 1 is not a string");
  check("[\"" + key(1).to_base64() + "\", \"AAAA\"]", "entry 2: invalid gossip key: it is 3 bytes");
}

TEST(CryptoStartupKeyring, PrecedenceIsExplicitAndLogged) {
  const std::string path = "/data/local.keyring";
  auto none = choose_startup_keyring(std::nullopt, std::nullopt, path);
  EXPECT_TRUE(none.ring.empty());
  EXPECT_EQ(none.source, "none");

  auto flag = choose_startup_keyring(key(1), std::nullopt, path);
  EXPECT_TRUE(*flag.ring.primary() == key(1));
  EXPECT_EQ(flag.source, "-encrypt");
  EXPECT_EQ(flag.level, LogLevel::Info);

  const Keyring persisted = *Keyring::from_keys({key(2), key(1)});
  auto agree = choose_startup_keyring(key(1), persisted, path);
  EXPECT_TRUE(*agree.ring.primary() == key(2));
  EXPECT_EQ(agree.level, LogLevel::Info);
  EXPECT_NE(agree.message.find("wins over -encrypt"), std::string::npos);

  auto disagree = choose_startup_keyring(key(3), persisted, path);
  EXPECT_TRUE(*disagree.ring.primary() == key(2));
  EXPECT_EQ(disagree.level, LogLevel::Warn);
  EXPECT_NE(disagree.message.find("is NOT in the persisted keyring /data/local.keyring"), std::string::npos);
  EXPECT_NE(disagree.message.find("delete /data/local.keyring"), std::string::npos);
  EXPECT_EQ(disagree.message.find(key(3).to_base64()), std::string::npos);  // never the key itself

  auto only_file = choose_startup_keyring(std::nullopt, persisted, path);
  EXPECT_EQ(only_file.ring.size(), 2u);
  EXPECT_EQ(only_file.source, "persisted keyring /data/local.keyring");
}

TEST(CryptoKeyringService, OperationsAreConsulShaped) {
  auto store = std::make_shared<KeyringStore>(*Keyring::from_keys({key(1)}));
  KeyringService svc(store, "dc1");
  auto list = svc.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  const KeyringPool& pool = list->front();
  EXPECT_FALSE(pool.wan);
  EXPECT_EQ(pool.datacenter, "dc1");
  EXPECT_EQ(pool.num_nodes, 1);
  EXPECT_EQ(pool.keys.at(key(1).to_base64()), 1);
  EXPECT_EQ(pool.primary_keys.at(key(1).to_base64()), 1);

  ASSERT_TRUE(svc.install(key(2).to_base64()));
  ASSERT_TRUE(svc.use(key(2).to_base64()));
  ASSERT_TRUE(svc.remove(key(1).to_base64()));
  EXPECT_EQ(store->snapshot()->size(), 1u);
  EXPECT_TRUE(*store->snapshot()->primary() == key(2));

  EXPECT_EQ(svc.install("AAAA").error().code, ErrorCode::Invalid);
  EXPECT_EQ(svc.use(key(7).to_base64()).error().code, ErrorCode::NotFound);
  EXPECT_EQ(svc.remove(key(2).to_base64()).error().code, ErrorCode::Conflict);
}

TEST(CryptoKeyringService, RefusesWhenEncryptionIsOff) {
  KeyringService svc(std::make_shared<KeyringStore>(), "dc1");
  auto list = svc.list();
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::Conflict);
  EXPECT_NE(list.error().message.find("not enabled"), std::string::npos);
  EXPECT_EQ(svc.install(key(1).to_base64()).error().code, ErrorCode::Conflict);
}

TEST(CryptoKeyringService, HooksFillInTheClusterView) {
  auto store = std::make_shared<KeyringStore>(*Keyring::from_keys({key(1)}));
  std::vector<KeyringOp> sent;
  KeyringHooks hooks;
  hooks.cluster_view = [] {
    ClusterKeyView v;
    v.num_nodes = 3;
    v.keys[key(1).to_base64()] = 3;
    v.primary_keys[key(1).to_base64()] = 3;
    return std::optional<ClusterKeyView>(v);
  };
  hooks.broadcast = [&](KeyringOp op, const Key&) -> Status {
    sent.push_back(op);
    return op == KeyringOp::Remove ? internal("1 node failed to remove the key") : ok();
  };
  KeyringService svc(store, "dc1", hooks);
  EXPECT_EQ(svc.list()->front().num_nodes, 3);
  ASSERT_TRUE(svc.install(key(2).to_base64()));
  EXPECT_FALSE(svc.remove(key(2).to_base64()));
  EXPECT_EQ(sent, (std::vector<KeyringOp>{KeyringOp::Install, KeyringOp::Remove}));
}

}  // namespace
}  // namespace roster::gossip::crypto
