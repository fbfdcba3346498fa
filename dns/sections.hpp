#pragma once
// The record sections of an answer, before any size limit is applied.
#include <vector>

#include "dns/wire/ldns_handles.hpp"
#include "dns/wire/message.hpp"

namespace roster::dns {

// An ADDITIONAL record belongs to the record that needs it: an ANSWER record
// (by index) or the AUTHORITY section. When that record is dropped to fit the
// reply size, the additional record goes with it.
inline constexpr int kAnchorAuthority = -1;

struct Extra {
  wire::RrHandle rr;
  int anchor = kAnchorAuthority;
  // Essential: the address of an SRV or NS target. Not essential: node meta
  // TXT, the first thing left out when space runs short.
  bool essential = true;
};

struct Sections {
  wire::Rcode rcode = wire::Rcode::NoError;
  // The answer order was drawn at random (a service with several instances):
  // another draw would give another order.
  bool shuffled = false;
  std::vector<wire::RrHandle> answer;
  std::vector<wire::RrHandle> authority;
  std::vector<Extra> additional;
};

}  // namespace roster::dns
