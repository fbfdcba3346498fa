#include "gossip/crypto/keyring_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/file_io.hpp"

namespace roster::gossip::crypto {
namespace fs = std::filesystem;
namespace {

Error io_error(const std::string& what, const std::string& path) {
  return internal(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

std::string encode_keyring_json(const Keyring& ring) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const Key& k : ring.keys()) {
    const std::string b64 = k.to_base64();
    w.String(b64.c_str(), static_cast<rapidjson::SizeType>(b64.size()));
  }
  w.EndArray();
  std::string out(buf.GetString(), buf.GetSize());
  out += '\n';
  return out;
}

Result<Keyring> decode_keyring_json(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError())
    return invalid(std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                   " at offset " + std::to_string(doc.GetErrorOffset()));
  if (!doc.IsArray()) return invalid("expected a JSON array of base64 keys");
  std::vector<Key> keys;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const auto& v = doc[i];
    if (!v.IsString()) return invalid("entry " + std::to_string(i + 1) + " is not a string");
    auto k = Key::parse({v.GetString(), v.GetStringLength()});
    if (!k) return invalid("entry " + std::to_string(i + 1) + ": " + k.error().message);
    keys.push_back(*k);
  }
  if (keys.empty()) return invalid("the keyring holds no key");
  return Keyring::from_keys(std::move(keys));
}

Result<std::optional<Keyring>> load_keyring_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<Keyring>{};
    return io_error("cannot open keyring file", path);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error("cannot read keyring file", path);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (1 << 20)) {
      ::close(fd);
      return invalid("keyring file " + path + " is larger than 1 MiB");
    }
  }
  ::close(fd);
  auto ring = decode_keyring_json(text);
  std::fill(text.begin(), text.end(), '\0');
  if (!ring)
    return invalid("keyring file " + path + " is invalid (" + ring.error().message +
                   "); fix or delete it, then restart with -encrypt");
  return std::optional<Keyring>(std::move(*ring));
}

Status save_keyring_file(const std::string& path, const Keyring& ring) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return internal("cannot create " + dir.string() + ": " + ec.message());
  std::string text = encode_keyring_json(ring);
  auto st = write_file_atomically(path, text, 0600);
  std::fill(text.begin(), text.end(), '\0');
  return st;
}

StartupKeyring choose_startup_keyring(const std::optional<Key>& encrypt, const std::optional<Keyring>& persisted,
                                      const std::string& persisted_path) {
  StartupKeyring out;
  if (!persisted) {
    if (!encrypt) {
      out.source = "none";
      out.message = "gossip encryption is off (no -encrypt and no persisted keyring)";
      return out;
    }
    out.ring = *Keyring::from_keys({*encrypt});
    out.source = "-encrypt";
    out.message = "gossip encryption on, primary key ID " + std::to_string(encrypt->id()) + " from -encrypt";
    return out;
  }
  out.ring = *persisted;
  out.source = "persisted keyring " + persisted_path;
  const std::string keys = " (" + persisted->describe() + ")";
  if (!encrypt) {
    out.message = "gossip encryption on, keys from the persisted keyring " + persisted_path + keys;
  } else if (persisted->contains(*encrypt)) {
    out.message = "gossip encryption on, keys from the persisted keyring " + persisted_path + keys +
                  "; it wins over -encrypt, whose key ID " + std::to_string(encrypt->id()) + " it holds";
  } else {
    out.level = LogLevel::Warn;
    out.message = "the -encrypt key (ID " + std::to_string(encrypt->id()) + ") is NOT in the persisted keyring " +
                  persisted_path + keys +
                  "; using the persisted keyring, which this agent wrote after its last successful join. "
                  "To use -encrypt instead, stop the agent, delete " + persisted_path + " and start it again";
  }
  return out;
}

}  // namespace roster::gossip::crypto
