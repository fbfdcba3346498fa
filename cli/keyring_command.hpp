#pragma once
// `roster keyring -list | -install KEY | -use KEY | -remove KEY`: the gossip
// keyring through /v1/operator/keyring, as `consul keyring`.
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "cli/commands.hpp"

namespace roster::cli {

int run_keyring(const std::vector<std::string>& args, const Io& io);

// The text -list prints for the GET /v1/operator/keyring body.
std::string format_keyring_list(const rapidjson::Value& pools);

}  // namespace roster::cli
