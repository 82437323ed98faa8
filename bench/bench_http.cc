// bench_http: closed-loop HTTP load generator for custos (keep-alive, one
// Poco HTTPClientSession per client thread, 127.0.0.1 only).
//
//   bench_http search  --port P --queries FILE [--clients C] [--requests N | --seconds S]
//                      [--token T] [--per-page 20] [--path /api/v1/search]
//   bench_http custody --port P --token T --artifacts ID[,ID...] [--clients C]
//                      [--requests N | --seconds S]
//
// search:  client i walks the query list starting at offset i*len/C, GET
//          /api/v1/search?q=... (facets included, as the API returns them);
//          --path / measures the HTML search page instead (same query).
// custody: client i POSTs custody events to artifact ids[i % len(ids)]
//          (one artifact per client when enough ids are given, so appends
//          of different clients do not contend on one artifact's chain).
// --requests N is the total over all clients; --seconds S a time limit
// (whichever ends first; default 2000 requests, 60 s).
// Only 2xx responses (201 for custody, 200 for search) count as successes
// and only their latencies go into the percentiles; the others are listed.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode;
  int port = 0;
  int clients = 1;
  long requests = 2000;
  double seconds = 60;
  std::string token;
  std::string queries_file;
  std::vector<std::string> artifacts;
  int per_page = 20;
  std::string path = "/api/v1/search";
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, sep);) if (!item.empty()) out.push_back(item);
  return out;
}

struct ClientResult {
  std::vector<double> ms;
  std::map<int, long> status;
  long errors = 0;
  std::string last_error_body;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (argc < 2) {
    std::cerr << "usage: bench_http search|custody --port P ...\n";
    return 2;
  }
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") o.port = std::atoi(v.c_str());
    else if (a == "--clients") o.clients = std::atoi(v.c_str());
    else if (a == "--requests") o.requests = std::atol(v.c_str());
    else if (a == "--seconds") o.seconds = std::atof(v.c_str());
    else if (a == "--token") o.token = v;
    else if (a == "--queries") o.queries_file = v;
    else if (a == "--artifacts") o.artifacts = Split(v, ',');
    else if (a == "--per-page") o.per_page = std::atoi(v.c_str());
    else if (a == "--path") o.path = v;
    else { std::cerr << "bench_http: unknown option " << a << "\n"; return 2; }
  }
  std::vector<std::string> queries;
  if (o.mode == "search") {
    std::ifstream in(o.queries_file);
    for (std::string l; std::getline(in, l);) if (!l.empty()) queries.push_back(l);
    if (queries.empty()) { std::cerr << "bench_http: no queries\n"; return 2; }
  } else if (o.mode == "custody") {
    if (o.artifacts.empty() || o.token.empty()) { std::cerr << "bench_http: custody needs --artifacts and --token\n"; return 2; }
  } else {
    std::cerr << "bench_http: mode must be search or custody\n";
    return 2;
  }

  std::atomic<long> issued{0};
  std::vector<ClientResult> results(static_cast<size_t>(o.clients));
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  auto worker = [&](int c) {
    ClientResult& r = results[static_cast<size_t>(c)];
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(o.port));
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(30, 0));
    size_t qi = queries.empty() ? 0 : (static_cast<size_t>(c) * queries.size()) / static_cast<size_t>(o.clients);
    long seq = 0;
    while (issued.fetch_add(1) < o.requests && Clock::now() < deadline) {
      std::string path, body;
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_1_1);
      req.setKeepAlive(true);
      if (o.mode == "search") {
        std::string enc;
        Poco::URI::encode(queries[qi % queries.size()], "&=+?#/%", enc);
        ++qi;
        req.setMethod(Poco::Net::HTTPRequest::HTTP_GET);
        req.setURI(o.path + "?q=" + enc + "&per_page=" + std::to_string(o.per_page));
      } else {
        const std::string& art = o.artifacts[static_cast<size_t>(c) % o.artifacts.size()];
        req.setMethod(Poco::Net::HTTPRequest::HTTP_POST);
        req.setURI("/api/v1/artifacts/" + art + "/custody");
        body = "{\"event\":\"storage\",\"actor\":\"bench client " + std::to_string(c) +
               "\",\"location\":\"Vault " + std::to_string(seq++ % 97) +
               "\",\"time\":\"2024-05-01T12:00:00Z\"}";
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
      }
      if (!o.token.empty()) req.set("Authorization", "Bearer " + o.token);
      auto t0 = Clock::now();
      try {
        std::ostream& os = session.sendRequest(req);
        if (!body.empty()) os << body;
        Poco::Net::HTTPResponse resp;
        std::istream& is = session.receiveResponse(resp);
        std::string rbody;
        Poco::StreamCopier::copyToString(is, rbody);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        int st = static_cast<int>(resp.getStatus());
        ++r.status[st];
        if (st / 100 == 2) r.ms.push_back(ms);
        else r.last_error_body = rbody.substr(0, 300);
      } catch (const Poco::Exception& e) {
        ++r.errors;
        r.last_error_body = e.displayText();
        session.reset();
      }
    }
  };
  auto w0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) threads.emplace_back(worker, c);
  for (auto& t : threads) t.join();
  double wall = std::chrono::duration<double>(Clock::now() - w0).count();

  std::vector<double> all;
  std::map<int, long> status;
  long errors = 0;
  std::string last_err;
  for (auto& r : results) {
    all.insert(all.end(), r.ms.begin(), r.ms.end());
    for (auto& [k, v] : r.status) status[k] += v;
    errors += r.errors;
    if (!r.last_error_body.empty()) last_err = r.last_error_body;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  std::printf("%s clients=%d ok=%zu wall=%.2f s  p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms  %.0f ok/s  status:",
              o.mode.c_str(), o.clients, all.size(), wall, pct(0.5), pct(0.9), pct(0.99),
              all.empty() ? 0.0 : all.back(), all.size() / wall);
  for (auto& [k, v] : status) std::printf(" %d=%ld", k, v);
  std::printf(" conn_errors=%ld\n", errors);
  if (!last_err.empty()) std::printf("  last non-2xx/error: %s\n", last_err.c_str());
  return 0;
}
