#pragma once
// One blocking call to the agent for a CLI subcommand: the reply, or one line
// saying what went wrong ("Unexpected response code: 404 (…)" as Consul's CLI).
#include <chrono>
#include <string>

#include <rapidjson/document.h>

#include "client/http_client.hpp"
#include "common/result.hpp"

namespace roster::cli {

// A reply with status 200, or an Error whose message is one line.
Result<client::HttpReply> call_agent(const client::HttpClientConfig& config, const std::string& method,
                                     const std::string& target, std::string body = {},
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

// GET `target` and parse the JSON body.
Result<rapidjson::Document> get_json(const client::HttpClientConfig& config, const std::string& target);

// The body of an error reply, folded to one line and shortened.
std::string one_line(std::string text);

}  // namespace roster::cli
