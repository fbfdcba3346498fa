// The response cache: bounded, valid only at the index it was stored at, and
// through Api::serve: repeated reads share one answer until the resource moves,
// while validation (?index, ?filter) and blocking behave as without it.
#include "http/response_cache.hpp"

#include "api_fixture.hpp"

namespace roster::http {
namespace {

std::shared_ptr<const Response> body(std::string text) {
  auto r = std::make_shared<Response>();
  r->body = std::move(text);
  return r;
}

TEST(ResponseCache, AnswersOnlyAtTheIndexItWasStoredAt) {
  ResponseCache cache(16, 1 << 20);
  cache.store("k", 7, body("seven"));
  ASSERT_TRUE(cache.find("k", 7));
  EXPECT_EQ(cache.find("k", 7)->body, "seven");
  EXPECT_FALSE(cache.find("k", 8));
  EXPECT_FALSE(cache.find("other", 7));
  cache.store("k", 9, body("nine"));
  EXPECT_FALSE(cache.find("k", 7));
  EXPECT_EQ(cache.find("k", 9)->body, "nine");
  cache.store("k", 8, body("late"));  // an older answer does not replace a newer one
  EXPECT_EQ(cache.find("k", 9)->body, "nine");
  EXPECT_EQ(cache.entries(), 1u);
}

TEST(ResponseCache, IsBoundedByEntriesAndBytes) {
  ResponseCache by_count(4, 1 << 20);
  for (int i = 0; i < 100; ++i) by_count.store("k" + std::to_string(i), 1, body("x"));
  EXPECT_LE(by_count.entries(), 4u);
  EXPECT_TRUE(by_count.find("k99", 1));

  ResponseCache by_bytes(1000, 64 * 1024);
  for (int i = 0; i < 100; ++i) by_bytes.store("k" + std::to_string(i), 1, body(std::string(4000, 'x')));
  EXPECT_LE(by_bytes.bytes(), 64u * 1024);
  EXPECT_TRUE(by_bytes.find("k99", 1));
  by_bytes.store("huge", 1, body(std::string(40000, 'x')));  // more than a quarter: not kept
  EXPECT_FALSE(by_bytes.find("huge", 1));
}

class CachedApiTest : public ApiFixture {
 protected:
  Answer serve(const std::string& target, Method m = Method::Get) {
    Request r;
    r.method = m;
    r.method_text = std::string(to_string(m));
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = QueryParams::parse(target.substr(q + 1));
    return api.serve(r);
  }
};

TEST_F(CachedApiTest, RepeatedReadsShareOneAnswerUntilTheResourceMoves) {
  register_service(R"({"Name":"web","ID":"web1","Check":{"TTL":"30s","Status":"passing"}})");
  register_service(R"({"Name":"db","ID":"db1","Check":{"TTL":"30s","Status":"passing"}})");
  const auto first = serve("/v1/health/service/web?passing");
  const auto again = serve("/v1/health/service/web?passing");
  EXPECT_EQ(first.response, again.response);  // the same shared answer
  EXPECT_NE(first.response->body.find("web1"), std::string::npos);
  // index and wait decide whether to wait, not what is answered.
  EXPECT_EQ(serve("/v1/health/service/web?passing&index=1&wait=1s").response, first.response);
  EXPECT_EQ(serve("/v1/health/service/web?passing", Method::Head).response, first.response);

  // Another service's change leaves the answer valid.
  ASSERT_EQ(put("/v1/agent/check/warn/service:db1").status, 200);
  EXPECT_EQ(serve("/v1/health/service/web?passing").response, first.response);

  // Its own change replaces it: the failing instance leaves ?passing.
  ASSERT_EQ(put("/v1/agent/check/fail/service:web1").status, 200);
  const auto after = serve("/v1/health/service/web?passing");
  EXPECT_NE(after.response, first.response);
  EXPECT_EQ(after.response->body, "[]");
  EXPECT_GT(index_of(*after.response), index_of(*first.response));
}

TEST_F(CachedApiTest, ValidationAndBlockingBehaveAsWithoutTheCache) {
  register_service(R"({"Name":"web","ID":"web1"})");
  const auto plain = serve("/v1/health/service/web");
  EXPECT_EQ(plain.response->status, 200);
  EXPECT_EQ(get("/v1/health/service/web?index=abc").status, 400);
  EXPECT_EQ(get("/v1/health/service/web?wait=soon").status, 400);
  EXPECT_EQ(get("/v1/health/service/web?filter=Service.Nope==1").status, 400);
  // A cached answer that is not newer than the client's index still waits.
  const auto index = index_of(*plain.response);
  const auto blocking = serve("/v1/health/service/web?index=" + std::to_string(index));
  EXPECT_EQ(blocking.response, plain.response);
  EXPECT_TRUE(blocking.wait);
  EXPECT_FALSE(serve("/v1/health/service/web?index=" + std::to_string(index - 1)).wait);
}

TEST_F(CachedApiTest, FilteredReadsSeeNodeChangesThatDoNotMoveTheirIndex) {
  ASSERT_EQ(put("/v1/catalog/register",
                R"({"Node":"n2","Address":"10.0.0.2","Service":{"Service":"api","ID":"api1"}})").status, 200);
  const std::string target = "/v1/catalog/services?filter=" + std::string("Address%20%3D%3D%20%2210.0.0.2%22");
  const auto before = get(target);
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("\"api\""), std::string::npos);
  ASSERT_EQ(put("/v1/catalog/register", R"({"Node":"n2","Address":"10.0.0.3"})").status, 200);
  const auto after = get(target);
  EXPECT_EQ(after.body.find("\"api\""), std::string::npos) << after.body;
}

}  // namespace
}  // namespace roster::http
