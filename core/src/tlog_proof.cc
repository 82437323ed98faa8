#include "custos/core/tlog_proof.h"

#include <charconv>

#include "custos/core/encoding.h"
#include "custos/core/merkle.h"

namespace custos::core {
namespace {

Status Bad(const std::string& why) { return Status::InvalidArgument("tlog-proof: " + why); }

// Takes the next "\n"-terminated line off `rest`; false when there is none.
bool NextLine(std::string_view* rest, std::string_view* line) {
  const size_t nl = rest->find('\n');
  if (nl == std::string_view::npos) return false;
  *line = rest->substr(0, nl);
  rest->remove_prefix(nl + 1);
  return true;
}

}  // namespace

Result<std::string> FormatTlogProof(const TlogProof& proof) {
  if (proof.checkpoint.empty()) return Bad("no checkpoint");
  std::string out = std::string(kTlogProofHeader) + "\n";
  if (proof.extra) out += "extra " + Base64Encode(*proof.extra) + "\n";
  out += "index " + std::to_string(proof.index) + "\n";
  for (const std::string& h : proof.hashes) {
    if (h.size() != kMerkleHashSize) return Bad("proof hash is not 32 bytes");
    out += Base64Encode(h) + "\n";
  }
  out += "\n";
  out += proof.checkpoint;
  return out;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  TlogProof proof;
  std::string_view rest = text;
  std::string_view line;
  if (!NextLine(&rest, &line) || line != kTlogProofHeader) return Bad("missing header line");
  if (!NextLine(&rest, &line)) return Bad("missing index line");
  if (line.starts_with("extra ")) {
    auto extra = Base64Decode(line.substr(6));
    if (!extra) return Bad("extra is not base64");
    proof.extra = std::move(*extra);
    if (!NextLine(&rest, &line)) return Bad("missing index line");
  }
  if (!line.starts_with("index ")) return Bad("missing index line");
  const std::string_view num = line.substr(6);
  if (num.empty() || (num.size() > 1 && num[0] == '0') ||
      num.find_first_not_of("0123456789") != std::string_view::npos) {
    return Bad("index is not a canonical decimal");
  }
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), proof.index);
  if (ec != std::errc() || ptr != num.data() + num.size()) return Bad("index out of range");
  while (true) {
    if (!NextLine(&rest, &line)) return Bad("missing blank line before the checkpoint");
    if (line.empty()) break;
    auto h = Base64Decode(line);
    if (!h || h->size() != kMerkleHashSize) return Bad("proof line is not base64 of 32 bytes");
    proof.hashes.push_back(std::move(*h));
    if (proof.hashes.size() > 64) return Bad("more than 64 proof hashes");
  }
  if (rest.empty()) return Bad("missing checkpoint");
  proof.checkpoint = std::string(rest);
  return proof;
}

}  // namespace custos::core
