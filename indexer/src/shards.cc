#include "shards.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "generations.h"

namespace custos::indexer::shards {

namespace fs = std::filesystem;
using core::Result;
using core::Status;

std::string Name(int k) { return "shard-" + std::to_string(k); }

int ShardOf(std::string_view id, int n) {
  if (n <= 1) return 0;
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV-1a's low bits are weak (its lowest is the parity of the bytes' low
  // bits): mix every bit into all of them first (MurmurHash3's finaliser).
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return static_cast<int>(h % static_cast<uint64_t>(n));
}

Result<std::vector<fs::path>> Paths(const fs::path& gen) {
  const fs::path stub = gen / kStubFile;
  std::error_code ec;
  if (!fs::exists(stub, ec)) return std::vector<fs::path>{gen};
  std::ifstream in(stub);
  if (!in) return Status::IOError("cannot read " + stub.string());
  std::vector<fs::path> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string want = "glass " + Name(static_cast<int>(out.size()));
    if (line != want || out.size() >= static_cast<size_t>(kMaxShards)) {
      return Status::Corruption(stub.string() + ": expected '" + want + "', found '" + line +
                                "': rebuild the index with custos reindex");
    }
    out.push_back(gen / Name(static_cast<int>(out.size())));
  }
  if (out.empty()) {
    return Status::Corruption(stub.string() +
                              " names no shard: rebuild the index with custos reindex");
  }
  return out;
}

Status Create(const fs::path& gen, int n,
              const std::function<void(Xapian::WritableDatabase&)>& init) {
  if (n < 1 || n > kMaxShards) {
    return Status::InvalidArgument("an index has 1 to " + std::to_string(kMaxShards) +
                                   " shards, not " + std::to_string(n));
  }
  std::error_code ec;
  if (fs::exists(gen / kStubFile, ec)) return Status::Ok();
  fs::create_directories(gen, ec);
  if (ec) return Status::IOError("cannot create " + gen.string() + ": " + ec.message());
  std::string stub;
  for (int k = 0; k < n; ++k) {
    Xapian::WritableDatabase w((gen / Name(k)).string(), Xapian::DB_CREATE_OR_OPEN);
    init(w);
    w.commit();
    w.close();
    stub += "glass " + Name(k) + "\n";
  }
  return generations::WriteFileDurably(gen, kStubFile, stub);
}

bool Earlier(const Revision& a, const Revision& b) {
  if (a.size() != b.size() || a == b) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
  }
  return true;
}

Snapshot Snapshot::Open(const std::vector<fs::path>& paths) {
  Snapshot s;
  s.shards.reserve(paths.size());
  for (const auto& p : paths) {
    s.shards.emplace_back(p.string());
    s.db.add_database(s.shards.back());
  }
  return s;
}

Revision Snapshot::revision() const {
  Revision r;
  r.reserve(shards.size());
  for (const auto& s : shards) r.push_back(s.get_revision());
  return r;
}

}  // namespace custos::indexer::shards
