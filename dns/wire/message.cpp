#include "dns/wire/message.hpp"

#include <cstring>
#include <stdexcept>

namespace roster::dns::wire {
namespace {

std::uint16_t read_u16(std::span<const std::uint8_t> w, std::size_t at) {
  return static_cast<std::uint16_t>(w[at] << 8 | w[at + 1]);
}

// Orders dnames by their exact wire bytes, so compression only ever points at
// an identical spelling.
int compare_exact(const void* a, const void* b) {
  const auto* x = static_cast<const ldns_rdf*>(a);
  const auto* y = static_cast<const ldns_rdf*>(b);
  const std::size_t xs = ldns_rdf_size(x);
  const std::size_t ys = ldns_rdf_size(y);
  if (xs != ys) return xs < ys ? -1 : 1;
  return std::memcmp(ldns_rdf_data(x), ldns_rdf_data(y), xs);
}

void write_u16(ldns_buffer* b, std::uint16_t v) {
  if (ldns_buffer_reserve(b, 2)) ldns_buffer_write_u16(b, v);
}

// Writes `name` in full and remembers it (and its suffixes) as compression
// targets for later names. To register the suffixes with ldns's own logic,
// the name is also compressed into a scratch buffer at the same position:
// every label written there in full gets a tree entry at an offset where `b`
// holds the same label, uncompressed.
void write_full_name_as_target(ldns_buffer* b, const ldns_rdf* name, ldns_rbtree_t* tree) {
  const std::size_t at = ldns_buffer_position(b);
  (void)ldns_dname2buffer_wire(b, name);
  BufferHandle scratch(ldns_buffer_new(at + ldns_rdf_size(name) + 2));
  if (!scratch) return;  // only a lost chance to compress
  ldns_buffer_set_position(scratch.get(), at);
  (void)ldns_dname2buffer_wire_compress(scratch.get(), name, tree);
}

// SRV: its target stays uncompressed (RFC 2782), which ldns also does, but
// ldns does not offer it as a compression target either; the A/AAAA records
// of the targets in ADDITIONAL then repeat every name in full. Written here:
// the owner compressed, the target in full and remembered.
void write_srv_compressed(ldns_buffer* b, const ldns_rr* rr, ldns_rbtree_t* tree) {
  (void)ldns_dname2buffer_wire_compress(b, ldns_rr_owner(rr), tree);
  write_u16(b, static_cast<std::uint16_t>(ldns_rr_get_type(rr)));
  write_u16(b, static_cast<std::uint16_t>(ldns_rr_get_class(rr)));
  if (ldns_buffer_reserve(b, 6)) ldns_buffer_write_u32(b, ldns_rr_ttl(rr));
  const std::size_t rdlength_at = ldns_buffer_position(b);
  write_u16(b, 0);
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) write_full_name_as_target(b, rdf, tree);
    else (void)ldns_rdf2buffer_wire(b, rdf);
  }
  if (ldns_buffer_status(b) == LDNS_STATUS_OK)
    ldns_buffer_write_u16_at(b, rdlength_at,
                             static_cast<std::uint16_t>(ldns_buffer_position(b) - rdlength_at - 2));
}

// `tree` null: no compression.
void write_section(ldns_buffer* b, std::span<const ldns_rr* const> rrs, int section,
                   ldns_rbtree_t* tree) {
  for (const ldns_rr* rr : rrs) {
    if (!tree) (void)ldns_rr2buffer_wire(b, rr, section);
    else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SRV) write_srv_compressed(b, rr, tree);
    else (void)ldns_rr2buffer_wire_compress(b, rr, section, tree);
  }
}

}  // namespace

std::optional<Header> read_header(std::span<const std::uint8_t> w) {
  if (w.size() < kHeaderSize) return std::nullopt;
  return Header{read_u16(w, 0), read_u16(w, 2), read_u16(w, 4),
                read_u16(w, 6), read_u16(w, 8), read_u16(w, 10)};
}

std::optional<Question> read_question(std::span<const std::uint8_t> w) {
  auto name = read_name(w, kHeaderSize);
  if (!name || name->end + 4 > w.size()) return std::nullopt;
  return Question{std::move(name->labels), read_u16(w, name->end), read_u16(w, name->end + 2)};
}

std::uint16_t reply_flags(const Header& query, Rcode rcode) {
  return static_cast<std::uint16_t>(kFlagQr | (query.flags & (kOpcodeMask | kFlagRd)) |
                                    static_cast<std::uint16_t>(rcode));
}

std::vector<std::uint8_t> encode(const MessageParts& parts) {
  BufferHandle buf(ldns_buffer_new(512));
  CompressionTree tree(ldns_rbtree_create(compare_exact));
  if (!buf || !tree) throw std::runtime_error("dns: out of memory encoding a reply");
  ldns_buffer* b = buf.get();

  write_u16(b, parts.id);
  write_u16(b, parts.flags);
  write_u16(b, parts.question ? 1 : 0);
  write_u16(b, static_cast<std::uint16_t>(parts.answer.size()));
  write_u16(b, static_cast<std::uint16_t>(parts.authority.size()));
  write_u16(b, static_cast<std::uint16_t>(parts.additional.size() + (parts.edns_udp_size ? 1 : 0)));

  if (parts.question) {
    // The first name in the message: written in full, exactly as received,
    // and remembered as a compression target for the answers' owner names.
    RdfHandle qname = make_dname(parts.question->name);
    if (!qname) throw std::runtime_error("dns: question name cannot be encoded");
    if (parts.compress) (void)ldns_dname2buffer_wire_compress(b, qname.get(), tree.get());
    else (void)ldns_dname2buffer_wire(b, qname.get());
    write_u16(b, parts.question->type);
    write_u16(b, parts.question->klass);
  }
  ldns_rbtree_t* const t = parts.compress ? tree.get() : nullptr;
  write_section(b, parts.answer, LDNS_SECTION_ANSWER, t);
  write_section(b, parts.authority, LDNS_SECTION_AUTHORITY, t);
  write_section(b, parts.additional, LDNS_SECTION_ADDITIONAL, t);
  if (parts.edns_udp_size) {
    // OPT: root owner, TYPE 41, CLASS = UDP payload size, TTL 0 (extended
    // rcode 0, version 0, DO clear), no options.
    if (ldns_buffer_reserve(b, 11)) {
      ldns_buffer_write_u8(b, 0);
      ldns_buffer_write_u16(b, LDNS_RR_TYPE_OPT);
      ldns_buffer_write_u16(b, *parts.edns_udp_size);
      ldns_buffer_write_u32(b, 0);
      ldns_buffer_write_u16(b, 0);
    }
  }
  if (ldns_buffer_status(b) != LDNS_STATUS_OK)
    throw std::runtime_error("dns: ldns failed to encode a reply");
  const auto* begin = static_cast<const std::uint8_t*>(ldns_buffer_begin(b));
  return std::vector<std::uint8_t>(begin, begin + ldns_buffer_position(b));
}

}  // namespace roster::dns::wire
