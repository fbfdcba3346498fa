#include "http/router.hpp"

#include <gtest/gtest.h>

namespace roster::http {
namespace {

Router make_router() {
  std::vector<Route> routes;
  routes.push_back({{Method::Put}, "/v1/agent/service/register", false,
                    [](const Request&) { return error_response(200, "register"); }});
  routes.push_back({{Method::Get}, "/v1/agent/service/", true,
                    [](const Request& r) { return error_response(200, "service " + r.param); }});
  routes.push_back({{Method::Get}, "/v1/boom", false,
                    [](const Request&) -> Response { throw std::runtime_error("kaput"); }});
  return Router(std::move(routes));
}

Request req(Method m, std::string path) {
  Request r;
  r.method = m;
  r.method_text = std::string(to_string(m));
  r.path = std::move(path);
  return r;
}

}  // namespace

TEST(Router, ExactRoutesWinOverPrefixRoutes) {
  auto router = make_router();
  auto r = req(Method::Put, "/v1/agent/service/register");
  EXPECT_EQ(router.dispatch(r).body, "register\n");
  auto g = req(Method::Get, "/v1/agent/service/web:1");
  EXPECT_EQ(router.dispatch(g).body, "service web:1\n");
}

TEST(Router, UnknownPathsAre404WithConsulsText) {
  auto router = make_router();
  auto r = req(Method::Get, "/v1/nothing");
  const auto res = router.dispatch(r);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "Invalid URL path: not a recognized HTTP API endpoint\n");
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto router = make_router();
  auto r = req(Method::Get, "/v1/agent/service/register");
  const auto res = router.dispatch(r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.body, "method GET not allowed\n");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0], (std::pair<std::string, std::string>{"Allow", "OPTIONS,PUT"}));
}

TEST(Router, OptionsAnswersWithAllow) {
  auto router = make_router();
  auto r = req(Method::Options, "/v1/agent/service/register");
  const auto res = router.dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers[0].second, "OPTIONS,PUT");
}

TEST(Router, AHandlerExceptionIsA500AndNotACrash) {
  auto router = make_router();
  auto r = req(Method::Get, "/v1/boom");
  const auto res = router.dispatch(r);
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("kaput"), std::string::npos);
}

}  // namespace roster::http
