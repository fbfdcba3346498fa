// PMap: std::map semantics, structural sharing, diff.
#include "registry/pmap.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace roster::registry {
namespace {

using M = PMap<std::string, int>;

std::map<std::string, int> as_std(const M& m) {
  std::map<std::string, int> out;
  for (const auto& [k, v] : m) out.emplace(k, v);
  return out;
}

TEST(PMap, BehavesLikeStdMapUnderRandomWrites) {
  std::mt19937 rng(7);
  M m;
  std::map<std::string, int> ref;
  for (int i = 0; i < 20000; ++i) {
    const std::string key = "k" + std::to_string(rng() % 2000);
    if (rng() % 3 == 0) {
      EXPECT_EQ(m.erase(key), ref.erase(key));
    } else {
      m.set(key, i);
      ref[key] = i;
    }
  }
  EXPECT_EQ(m.size(), ref.size());
  EXPECT_EQ(as_std(m), ref);
  for (const auto& [k, v] : ref) {
    ASSERT_NE(m.find(k), m.end());
    EXPECT_EQ(m.find(k)->second, v);
  }
  EXPECT_EQ(m.find("absent"), m.end());
  EXPECT_EQ(m.count("absent"), 0u);
}

TEST(PMap, IteratorFromFindContinuesInOrder) {
  M m{{"a", 1}, {"c", 3}, {"e", 5}, {"g", 7}};
  auto it = m.find("c");
  std::string seen;
  for (; it != m.end(); ++it) seen += it->first;
  EXPECT_EQ(seen, "ceg");
}

TEST(PMap, CopiesAreIndependentAndShareEntries) {
  M a;
  for (int i = 0; i < 100; ++i) a.set("k" + std::to_string(i), i);
  const int* stable = a.get("k5");
  M b = a;
  b.set("k1", -1);
  b.erase("k2");
  b["k3"] = 33;
  EXPECT_EQ(a.at("k1"), 1);
  EXPECT_EQ(a.at("k2"), 2);
  EXPECT_EQ(a.at("k3"), 3);
  EXPECT_EQ(b.at("k1"), -1);
  EXPECT_FALSE(b.contains("k2"));
  EXPECT_EQ(b.at("k3"), 33);
  EXPECT_EQ(b.get("k5"), stable);  // untouched entries are shared, not copied
  EXPECT_EQ(a.size(), 100u);
  EXPECT_EQ(b.size(), 99u);
}

TEST(PMap, ShapeDependsOnlyOnTheKeySet) {
  M a, b;
  for (int i = 0; i < 500; ++i) a.set("k" + std::to_string(i), i);
  for (int i = 499; i >= 0; --i) b.set("k" + std::to_string(i), i);
  int diffs = 0;
  M::diff(a, b, [&](const auto* x, const auto* y) {
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->second, y->second);
    ++diffs;
  });
  EXPECT_EQ(diffs, 500);  // different entry objects, same keys: every key once, paired
}

TEST(PMap, DiffReportsExactlyTheChanges) {
  std::mt19937 rng(11);
  M base;
  for (int i = 0; i < 5000; ++i) base.set("k" + std::to_string(i), i);
  for (int round = 0; round < 50; ++round) {
    M next = base;
    std::set<std::string> touched;
    for (int j = 0; j < 20; ++j) {
      const std::string key = "k" + std::to_string(rng() % 6000);
      touched.insert(key);
      if (rng() % 2) next.erase(key);
      else next.set(key, -j);
    }
    std::set<std::string> reported;
    M::diff(base, next, [&](const auto* x, const auto* y) {
      const std::string& k = x ? x->first : y->first;
      EXPECT_TRUE(reported.insert(k).second) << k;
      EXPECT_EQ(x != nullptr, base.contains(k));
      EXPECT_EQ(y != nullptr, next.contains(k));
    });
    for (const auto& k : reported) EXPECT_TRUE(touched.count(k)) << k;
    for (const auto& k : touched) {
      if (base.contains(k) || next.contains(k)) {
        EXPECT_TRUE(reported.count(k)) << k;
      }
    }
    base = next;
  }
}

TEST(PMap, EmptyMap) {
  M m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.begin(), m.end());
  EXPECT_EQ(m.erase("x"), 0u);
  int n = 0;
  M::diff(m, M{}, [&](const auto*, const auto*) { ++n; });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace roster::registry
