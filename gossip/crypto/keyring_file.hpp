#pragma once
// The persisted keyring: a JSON array of base64 keys, primary first (the
// format of Consul's serf/local.keyring), written atomically (temp file,
// fsync, rename, fsync of the directory), mode 0600.
//
// Precedence at start-up (gossip.md §3 item 3, the top support issue with
// Consul): a persisted keyring reflects rotations made while the agent ran,
// so it wins over -encrypt, and the agent says so every time, loudly when
// the -encrypt key is not in it. The agent writes the file only after its
// first successful join, so a wrong -encrypt on a first attempt is never
// persisted.
#include <optional>
#include <string>
#include <string_view>

#include "common/log.hpp"
#include "common/result.hpp"
#include "gossip/crypto/keyring.hpp"

namespace roster::gossip::crypto {

// The file name inside the agent's data dir.
inline constexpr std::string_view kKeyringFileName = "local.keyring";

std::string encode_keyring_json(const Keyring& ring);
// Errors name the entry ("entry 2: invalid gossip key: ...").
Result<Keyring> decode_keyring_json(std::string_view text);

// nullopt when the file does not exist. A leftover `<path>.tmp` from a torn
// write is ignored; an unreadable or invalid file is an error naming it.
Result<std::optional<Keyring>> load_keyring_file(const std::string& path);
Status save_keyring_file(const std::string& path, const Keyring& ring);

struct StartupKeyring {
  Keyring ring;
  std::string source;   // "none", "-encrypt", "persisted keyring <path>"
  LogLevel level = LogLevel::Info;
  std::string message;  // what the agent logs at start-up (empty: nothing to say)
};

// Decides which keys the agent starts with, from -encrypt (if given) and the
// persisted keyring (if any), and the one line to log about it.
StartupKeyring choose_startup_keyring(const std::optional<Key>& encrypt, const std::optional<Keyring>& persisted,
                                      const std::string& persisted_path);

}  // namespace roster::gossip::crypto
