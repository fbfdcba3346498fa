// cares_query: one DNS query through c-ares, printed as c-ares parses it.
//
// An independent client for the integration tests (tests/integration/
// test_dns_cares.py): c-ares has its own wire parser, its own reply checks
// (ID, question match) and its own TC -> TCP fallback, so a reply it accepts
// is not merely a reply that ldns or dig accept.
//
//   cares_query [--tcp] [--edns SIZE] [--igntc] SERVER PORT NAME TYPE
//
// TYPE is one of A AAAA SRV TXT PTR SOA NS. Output, one fact per line:
//   status <ares status name>       e.g. ARES_SUCCESS, ARES_ENOTFOUND, ARES_ENODATA
//   rcode <n>  flags <qr aa tc rd ra>  counts <qd> <an> <ns> <ar>
//   question <name as echoed by the server>
//   A <owner> <ttl> <address>       (likewise AAAA)
//   SRV <priority> <weight> <port> <target>
//   TXT <text>
//   PTR <target>
//   SOA <mname> <rname> <serial> <refresh> <retry> <expire> <minimum>
//   NS <target>
//   parse <ares status name>        when the record parser rejected the reply
// Exit status: 0 when a reply was received (whatever its rcode), 1 on a
// transport failure or timeout, 2 on bad usage.
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/select.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// More address records than a 64 KiB TCP reply can hold.
constexpr int kMaxRecords = 8192;

struct Outcome {
  bool done = false;
  int status = ARES_ETIMEOUT;
  std::vector<unsigned char> reply;
};

const char* status_name(int status) {
  switch (status) {
    case ARES_SUCCESS: return "ARES_SUCCESS";
    case ARES_ENODATA: return "ARES_ENODATA";
    case ARES_EFORMERR: return "ARES_EFORMERR";
    case ARES_ESERVFAIL: return "ARES_ESERVFAIL";
    case ARES_ENOTFOUND: return "ARES_ENOTFOUND";
    case ARES_ENOTIMP: return "ARES_ENOTIMP";
    case ARES_EREFUSED: return "ARES_EREFUSED";
    case ARES_EBADQUERY: return "ARES_EBADQUERY";
    case ARES_EBADNAME: return "ARES_EBADNAME";
    case ARES_EBADRESP: return "ARES_EBADRESP";
    case ARES_ECONNREFUSED: return "ARES_ECONNREFUSED";
    case ARES_ETIMEOUT: return "ARES_ETIMEOUT";
    case ARES_ENOMEM: return "ARES_ENOMEM";
    case ARES_ECANCELLED: return "ARES_ECANCELLED";
    case ARES_EDESTRUCTION: return "ARES_EDESTRUCTION";
    default: return "ARES_OTHER";
  }
}

void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* out = static_cast<Outcome*>(arg);
  out->done = true;
  out->status = status;
  if (abuf && alen > 0) out->reply.assign(abuf, abuf + alen);
}

int type_of(const std::string& t) {
  if (t == "A") return ns_t_a;
  if (t == "AAAA") return ns_t_aaaa;
  if (t == "SRV") return ns_t_srv;
  if (t == "TXT") return ns_t_txt;
  if (t == "PTR") return ns_t_ptr;
  if (t == "SOA") return ns_t_soa;
  if (t == "NS") return ns_t_ns;
  return -1;
}

unsigned u16(const unsigned char* p) { return static_cast<unsigned>(p[0]) << 8 | p[1]; }

void print_header(const std::vector<unsigned char>& r) {
  if (r.size() < 12) return;
  const unsigned flags = u16(&r[2]);
  std::printf("rcode %u\nflags", flags & 0x0F);
  const struct { unsigned bit; const char* name; } bits[] = {
      {0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"}, {0x0080, "ra"}};
  for (const auto& b : bits)
    if (flags & b.bit) std::printf(" %s", b.name);
  std::printf("\ncounts %u %u %u %u\n", u16(&r[4]), u16(&r[6]), u16(&r[8]), u16(&r[10]));
  if (u16(&r[4]) >= 1) {
    char* name = nullptr;
    long len = 0;
    if (ares_expand_name(&r[12], r.data(), static_cast<int>(r.size()), &name, &len) == ARES_SUCCESS) {
      std::printf("question %s\n", name);
      ares_free_string(name);
    }
  }
}

void print_records(const std::string& type, const std::vector<unsigned char>& r) {
  const unsigned char* buf = r.data();
  const int len = static_cast<int>(r.size());
  int st = ARES_SUCCESS;
  if (type == "A") {
    hostent* host = nullptr;
    std::vector<ares_addrttl> ttls(kMaxRecords);
    int n = kMaxRecords;
    st = ares_parse_a_reply(buf, len, &host, ttls.data(), &n);
    if (st == ARES_SUCCESS) {
      char ip[INET_ADDRSTRLEN];
      for (int i = 0; i < n; ++i)
        std::printf("A %s %d %s\n", host->h_name, ttls[i].ttl,
                    inet_ntop(AF_INET, &ttls[i].ipaddr, ip, sizeof ip));
      ares_free_hostent(host);
    }
  } else if (type == "AAAA") {
    hostent* host = nullptr;
    std::vector<ares_addr6ttl> ttls(kMaxRecords);
    int n = kMaxRecords;
    st = ares_parse_aaaa_reply(buf, len, &host, ttls.data(), &n);
    if (st == ARES_SUCCESS) {
      char ip[INET6_ADDRSTRLEN];
      for (int i = 0; i < n; ++i)
        std::printf("AAAA %s %d %s\n", host->h_name, ttls[i].ttl,
                    inet_ntop(AF_INET6, &ttls[i].ip6addr, ip, sizeof ip));
      ares_free_hostent(host);
    }
  } else if (type == "SRV") {
    ares_srv_reply* srv = nullptr;
    st = ares_parse_srv_reply(buf, len, &srv);
    if (st == ARES_SUCCESS) {
      for (auto* s = srv; s; s = s->next)
        std::printf("SRV %u %u %u %s\n", s->priority, s->weight, s->port, s->host);
      ares_free_data(srv);
    }
  } else if (type == "TXT") {
    ares_txt_ext* txt = nullptr;
    st = ares_parse_txt_reply_ext(buf, len, &txt);
    if (st == ARES_SUCCESS) {
      for (auto* t = txt; t; t = t->next)
        std::printf("TXT %.*s\n", static_cast<int>(t->length), reinterpret_cast<const char*>(t->txt));
      ares_free_data(txt);
    }
  } else if (type == "PTR") {
    hostent* host = nullptr;
    // The address is only copied into the hostent; the name is what we print.
    in_addr any{};
    st = ares_parse_ptr_reply(buf, len, &any, sizeof any, AF_INET, &host);
    if (st == ARES_SUCCESS) {
      std::printf("PTR %s\n", host->h_name);
      ares_free_hostent(host);
    }
  } else if (type == "SOA") {
    ares_soa_reply* soa = nullptr;
    st = ares_parse_soa_reply(buf, len, &soa);
    if (st == ARES_SUCCESS) {
      std::printf("SOA %s %s %u %u %u %u %u\n", soa->nsname, soa->hostmaster, soa->serial,
                  soa->refresh, soa->retry, soa->expire, soa->minttl);
      ares_free_data(soa);
    }
  } else if (type == "NS") {
    hostent* host = nullptr;
    st = ares_parse_ns_reply(buf, len, &host);
    if (st == ARES_SUCCESS) {
      for (char** a = host->h_aliases; a && *a; ++a) std::printf("NS %s\n", *a);
      ares_free_hostent(host);
    }
  }
  if (st != ARES_SUCCESS) std::printf("parse %s\n", status_name(st));
}

// For negative answers: c-ares 1.18's ares_parse_soa_reply reads only the
// answer section, so the authority section is walked here, with c-ares's own
// name decoder (ares_expand_name) for every owner and SOA name.
void print_negative_soa(const std::vector<unsigned char>& r) {
  const unsigned char* buf = r.data();
  const int len = static_cast<int>(r.size());
  const unsigned char* p = buf + 12;
  const unsigned char* end = buf + len;
  const auto skip_name = [&](const unsigned char*& at) {
    char* name = nullptr;
    long n = 0;
    if (ares_expand_name(at, buf, len, &name, &n) != ARES_SUCCESS) return false;
    ares_free_string(name);
    at += n;
    return at <= end;
  };
  if (u16(&r[4]) != 1 || !skip_name(p) || p + 4 > end) return (void)std::printf("soa ARES_EBADRESP\n");
  p += 4;
  const unsigned an = u16(&r[6]), ns = u16(&r[8]);
  for (unsigned i = 0; i < an + ns; ++i) {
    if (!skip_name(p) || p + 10 > end) break;
    const unsigned type = u16(p), rdlen = u16(p + 8);
    const unsigned long ttl = static_cast<unsigned long>(u16(p + 4)) << 16 | u16(p + 6);
    p += 10;
    if (p + rdlen > end) break;
    if (i >= an && type == ns_t_soa) {
      char *mname = nullptr, *rname = nullptr;
      long n1 = 0, n2 = 0;
      const unsigned char* q = p;
      if (ares_expand_name(q, buf, len, &mname, &n1) != ARES_SUCCESS) break;
      q += n1;
      if (ares_expand_name(q, buf, len, &rname, &n2) != ARES_SUCCESS) {
        ares_free_string(mname);
        break;
      }
      q += n2;
      if (q + 20 <= p + rdlen) {
        unsigned long v[5];
        for (int k = 0; k < 5; ++k) v[k] = static_cast<unsigned long>(u16(q + 4 * k)) << 16 | u16(q + 4 * k + 2);
        std::printf("SOA %s %s %lu %lu %lu %lu %lu ttl=%lu\n", mname, rname, v[0], v[1], v[2], v[3], v[4], ttl);
      }
      ares_free_string(mname);
      ares_free_string(rname);
      return;
    }
    p += rdlen;
  }
  std::printf("soa none\n");
}

int usage() {
  std::fprintf(stderr, "usage: cares_query [--tcp] [--edns SIZE] [--igntc] SERVER PORT NAME TYPE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool tcp = false, igntc = false;
  int edns = 0;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tcp") tcp = true;
    else if (a == "--igntc") igntc = true;
    else if (a == "--edns" && i + 1 < argc) edns = std::atoi(argv[++i]);
    else if (a.rfind("--", 0) == 0) return usage();
    else pos.push_back(a);
  }
  if (pos.size() != 4) return usage();
  const std::string server = pos[0], port = pos[1], name = pos[2], type = pos[3];
  const int qtype = type_of(type);
  if (qtype < 0) return usage();

  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) return 1;
  ares_options opts{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
  if (tcp) opts.flags |= ARES_FLAG_USEVC;
  if (igntc) opts.flags |= ARES_FLAG_IGNTC;
  if (edns > 0) {
    opts.flags |= ARES_FLAG_EDNS;
    opts.ednspsz = edns;
    mask |= ARES_OPT_EDNSPSZ;
  }
  opts.timeout = 2000;
  opts.tries = 2;
  ares_channel channel = nullptr;
  if (ares_init_options(&channel, &opts, mask) != ARES_SUCCESS) return 1;
  const std::string csv = server + ":" + port;
  if (ares_set_servers_ports_csv(channel, csv.c_str()) != ARES_SUCCESS) return usage();

  Outcome out;
  ares_query(channel, name.c_str(), ns_c_in, qtype, on_reply, &out);
  while (!out.done) {
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    const int nfds = ares_fds(channel, &r, &w);
    if (nfds == 0) break;
    timeval tv{};
    timeval* tvp = ares_timeout(channel, nullptr, &tv);
    select(nfds, &r, &w, nullptr, tvp);
    ares_process(channel, &r, &w);
  }
  std::printf("status %s\n", status_name(out.status));
  const bool got_reply = !out.reply.empty();
  if (got_reply) {
    print_header(out.reply);
    if (out.status == ARES_SUCCESS) print_records(type, out.reply);
    else if (out.status == ARES_ENOTFOUND || out.status == ARES_ENODATA) print_negative_soa(out.reply);
  }
  ares_destroy(channel);
  ares_library_cleanup();
  return got_reply ? 0 : 1;
}
