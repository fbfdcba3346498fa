// Cluster-wide keyring operations: the wire format, applying a request to a
// ring, and a query counted over several agents joined by an in-memory
// request/response exchange (answers, refusals, silence, garbage).
#include "gossip/keyring_query.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

namespace roster::gossip {
namespace {

using crypto::Key;
using crypto::KeyringStore;

struct Exchange;

struct FakeGossip final : Broadcaster {
  Exchange* ex = nullptr;
  std::string self;
  Status broadcast(std::string, std::vector<std::uint8_t>) override { return ok(); }
  Result<std::uint64_t> request(const std::string& member, std::vector<std::uint8_t> payload) override;
};

struct Node {
  std::shared_ptr<KeyringStore> store;
  FakeGossip gossip;
  KeyringQueries queries;
  Node(const std::string& name, std::vector<Key> keys, Exchange* ex)
      : store(std::make_shared<KeyringStore>(crypto::Keyring::from_keys(std::move(keys)).value())),
        queries(store, gossip) {
    gossip.ex = ex;
    gossip.self = name;
  }
};

struct Exchange {
  std::map<std::string, std::unique_ptr<Node>> nodes;
  std::set<std::string> silent;    // requests to these fail as a dead stream would
  std::set<std::string> garbage;   // these answer junk
  struct Req {
    std::uint64_t id;
    std::string from, to;
    std::vector<std::uint8_t> payload;
  };
  std::deque<Req> reqs;
  std::uint64_t next_id = 0;

  Node& add(const std::string& name, std::vector<Key> keys) {
    nodes[name] = std::make_unique<Node>(name, std::move(keys), this);
    return *nodes[name];
  }
  void settle() {
    while (!reqs.empty()) {
      Req r = reqs.front();
      reqs.pop_front();
      auto& from = nodes.at(r.from)->queries;
      if (silent.count(r.to)) {
        from.on_response(r.id, Error{ErrorCode::Internal, "connection timed out"});
      } else if (garbage.count(r.to)) {
        from.on_response(r.id, std::vector<std::uint8_t>{1, 2, 3});
      } else {
        from.on_response(r.id, nodes.at(r.to)->queries.on_request(r.from, r.payload));
      }
    }
  }
  std::vector<std::string> others(const std::string& self) const {
    std::vector<std::string> out;
    for (const auto& [n, _] : nodes)
      if (n != self) out.push_back(n);
    return out;
  }
  // Runs `r` from `origin` (which applied it locally first, as the agent does).
  crypto::ClusterKeyView run(const std::string& origin, const KeyringRequest& r) {
    apply_keyring_request(*nodes.at(origin)->store, r);
    std::optional<crypto::ClusterKeyView> got;
    nodes.at(origin)->queries.start(r, others(origin), [&](crypto::ClusterKeyView v) { got = std::move(v); });
    settle();
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(nodes.at(origin)->queries.in_flight(), 0u);
    return got.value_or(crypto::ClusterKeyView{});
  }
};

Result<std::uint64_t> FakeGossip::request(const std::string& member, std::vector<std::uint8_t> payload) {
  if (!ex->nodes.count(member)) return not_found("no live member named " + member);
  const std::uint64_t id = ++ex->next_id;
  ex->reqs.push_back({id, self, member, std::move(payload)});
  return id;
}

class KeyringQueryTest : public ::testing::Test {
 protected:
  Key k1 = Key::generate(), k2 = Key::generate();
  Exchange ex;
  void SetUp() override {
    for (const char* n : {"a", "b", "c"}) ex.add(n, {k1});
  }
  std::vector<Key> keys_of(const std::string& n) { return ex.nodes.at(n)->store->snapshot()->keys(); }
};

TEST(KeyringQueryCodec, RoundTripsAndRejectsDamage) {
  const Key k = Key::generate();
  for (auto op : {KeyringQueryOp::Install, KeyringQueryOp::Use, KeyringQueryOp::Remove}) {
    const auto bytes = encode_keyring_request({op, k});
    EXPECT_TRUE(is_keyring_payload(bytes));
    auto back = decode_keyring_request(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->op, op);
    EXPECT_EQ(back->key->to_base64(), k.to_base64());
  }
  EXPECT_TRUE(decode_keyring_request(encode_keyring_request({KeyringQueryOp::List, std::nullopt})));
  auto bytes = encode_keyring_request({KeyringQueryOp::Install, k});
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_FALSE(decode_keyring_request(std::span(bytes).first(cut))) << cut;
  bytes[2] = 9;  // unknown operation
  EXPECT_FALSE(decode_keyring_request(bytes));

  const KeyringAnswer a{"key is not installed", {k, Key::generate()}};
  const auto enc = encode_keyring_answer(a);
  auto dec = decode_keyring_answer(enc);
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->error, a.error);
  ASSERT_EQ(dec->keys.size(), 2u);
  EXPECT_EQ(dec->keys[0].to_base64(), k.to_base64());
  for (std::size_t cut = 0; cut < enc.size(); ++cut) EXPECT_FALSE(decode_keyring_answer(std::span(enc).first(cut)));
  EXPECT_FALSE(decode_keyring_answer(std::vector<std::uint8_t>{'K', 1, 1, 0, 0, 17}));  // too many keys
}

TEST_F(KeyringQueryTest, InstallUseRemoveReachEveryAgentAndAreCounted) {
  auto v = ex.run("a", {KeyringQueryOp::Install, k2});
  EXPECT_EQ(v.num_nodes, 3);
  EXPECT_TRUE(v.messages.empty());
  EXPECT_EQ(v.keys, (std::map<std::string, int>{{k1.to_base64(), 3}, {k2.to_base64(), 3}}));
  EXPECT_EQ(v.primary_keys, (std::map<std::string, int>{{k1.to_base64(), 3}}));

  v = ex.run("b", {KeyringQueryOp::Use, k2});
  EXPECT_EQ(v.primary_keys, (std::map<std::string, int>{{k2.to_base64(), 3}}));
  v = ex.run("c", {KeyringQueryOp::Remove, k1});
  EXPECT_EQ(v.keys, (std::map<std::string, int>{{k2.to_base64(), 3}}));
  for (const char* n : {"a", "b", "c"}) {
    ASSERT_EQ(keys_of(n).size(), 1u) << n;
    EXPECT_EQ(keys_of(n)[0].to_base64(), k2.to_base64());
  }
  v = ex.run("a", {KeyringQueryOp::List, std::nullopt});
  EXPECT_EQ(v.num_nodes, 3);
  EXPECT_EQ(v.keys, (std::map<std::string, int>{{k2.to_base64(), 3}}));
}

TEST_F(KeyringQueryTest, RefusalsSilenceAndGarbageAreReportedPerNode) {
  // c never got k2: making it primary fails there, with c's reason.
  apply_keyring_request(*ex.nodes.at("b")->store, {KeyringQueryOp::Install, k2});
  apply_keyring_request(*ex.nodes.at("a")->store, {KeyringQueryOp::Install, k2});
  auto v = ex.run("a", {KeyringQueryOp::Use, k2});
  ASSERT_EQ(v.messages.size(), 1u);
  EXPECT_NE(v.messages.at("c").find("not installed"), std::string::npos) << v.messages.at("c");
  EXPECT_EQ(v.primary_keys, (std::map<std::string, int>{{k2.to_base64(), 2}, {k1.to_base64(), 1}}));

  ex.silent.insert("b");
  ex.garbage.insert("c");
  v = ex.run("a", {KeyringQueryOp::List, std::nullopt});
  EXPECT_EQ(v.num_nodes, 3);
  ASSERT_EQ(v.messages.size(), 2u);
  EXPECT_NE(v.messages.at("b").find("no answer: connection timed out"), std::string::npos);
  EXPECT_NE(v.messages.at("c").find("no keyring answer"), std::string::npos);
  EXPECT_EQ(v.keys.at(k2.to_base64()), 1);  // only a's own ring was counted
}

TEST_F(KeyringQueryTest, AMemberGoneBeforeTheRequestIsReportedAndNoAnswerIsAwaited) {
  auto& a = ex.nodes.at("a")->queries;
  std::optional<crypto::ClusterKeyView> got;
  a.start({KeyringQueryOp::List, std::nullopt}, {"b", "zz"}, [&](crypto::ClusterKeyView v) { got = std::move(v); });
  ex.settle();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->num_nodes, 3);
  EXPECT_EQ(got->messages.count("zz"), 1u);
  // Alone: done at once, counting ourselves.
  got.reset();
  a.start({KeyringQueryOp::List, std::nullopt}, {}, [&](crypto::ClusterKeyView v) { got = std::move(v); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->num_nodes, 1);
}

TEST_F(KeyringQueryTest, AMalformedRequestGetsAnErrorAnswerAndChangesNothing) {
  auto& b = ex.nodes.at("b")->queries;
  const auto answer = decode_keyring_answer(b.on_request("a", std::vector<std::uint8_t>{'K', 1, 1, 3, 1, 2, 3}));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error, "malformed keyring request");
  EXPECT_EQ(keys_of("b").size(), 1u);
  // Answers we did not ask for are not ours.
  EXPECT_FALSE(b.on_response(12345, std::vector<std::uint8_t>{}));
}

}  // namespace
}  // namespace roster::gossip
