#pragma once
// The version `roster version` and /v1/agent/self report (set by CMake).
namespace roster::agent {
inline constexpr const char* kVersion = ROSTER_VERSION;
inline constexpr const char* kRevision = ROSTER_REVISION;
}  // namespace roster::agent
