#include "custos/core/bundle.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

#include "custos/core/canonical_json.h"
#include "custos/core/checkpoint.h"
#include "custos/core/crypto.h"
#include "custos/core/custody.h"
#include "custos/core/merkle.h"
#include "custos/core/parallel_for.h"
#include "custos/core/tlog_proof.h"
#include "custos/core/zip.h"

namespace custos::core {
namespace {

using nlohmann::json;

constexpr std::string_view kCheckpointName = "checkpoint";
constexpr std::string_view kRecordName = "record.json";
constexpr std::string_view kEntriesDir = "entries/";
constexpr std::string_view kProofsDir = "proofs/";
constexpr std::string_view kDocumentsDir = "documents/";

std::string Padded(uint64_t n) {
  std::string s = std::to_string(n);
  if (s.size() < 6) s.insert(0, 6 - s.size(), '0');
  return s;
}

// Parses "<dir>NNNNNN<ext>" where NNNNNN is exactly Padded(n).
std::optional<uint64_t> Position(std::string_view name, std::string_view dir,
                                 std::string_view ext) {
  if (!name.starts_with(dir) || !name.ends_with(ext)) return std::nullopt;
  const std::string_view digits = name.substr(dir.size(), name.size() - dir.size() - ext.size());
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || Padded(n) != digits) {
    return std::nullopt;
  }
  return n;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The documents the entries reference, by hash, with the first media type
// given for each, in first-reference order.
std::vector<CustodyDocument> ReferencedDocuments(std::span<const SignedCustodyEntry> entries) {
  std::vector<CustodyDocument> out;
  std::set<std::string> seen;
  for (const auto& e : entries) {
    for (const auto& d : e.entry.documents) {
      if (seen.insert(d.sha256).second) out.push_back(d);
    }
  }
  return out;
}

const SignedCustodyEntry* LastRepatriation(std::span<const SignedCustodyEntry> entries) {
  const SignedCustodyEntry* last = nullptr;
  for (const auto& e : entries) {
    if (e.entry.event == CustodyEvent::kRepatriation) last = &e;
  }
  return last;
}

// Empty when `record_json` is canonical JSON; otherwise why not.
std::string RecordProblem(std::string_view record_json, std::string_view artifact) {
  json j = json::parse(record_json.begin(), record_json.end(), nullptr, false);
  if (j.is_discarded()) return "record.json does not parse";
  auto canonical = CanonicalJson(j);
  if (!canonical.ok()) return "record.json: " + canonical.status().message();
  if (*canonical != record_json) return "record.json is not in RFC 8785 canonical form";
  if (j.is_object() && j.contains("id") && j["id"].is_string() &&
      j["id"].get<std::string>() != artifact) {
    return "record.json is the record of '" + j["id"].get<std::string>() + "', not '" +
           std::string(artifact) + "'";
  }
  return {};
}

}  // namespace

std::string BundleEntryName(uint64_t position) {
  return std::string(kEntriesDir) + Padded(position) + ".note";
}
std::string BundleProofName(uint64_t position) {
  return std::string(kProofsDir) + Padded(position) + ".proof";
}

Result<std::string> BuildBundle(const BundleContents& c) {
  auto bad = [](const std::string& why) { return Status::InvalidArgument("bundle: " + why); };
  CUSTOS_ASSIGN_OR_RETURN(Note cp_note, ParseNote(c.checkpoint_note));
  CUSTOS_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointText(cp_note.text));
  if (c.entries.empty()) return bad("no custody entries");
  std::vector<SignedCustodyEntry> parsed;
  for (size_t i = 0; i < c.entries.size(); ++i) {
    auto e = ParseCustodyNote(c.entries[i].note);
    if (!e.ok()) return bad("entry " + std::to_string(i) + ": " + e.status().message());
    parsed.push_back(std::move(e).value());
  }
  if (Status s = VerifyCustodyChain(parsed); !s.ok()) return bad(s.message());
  for (size_t i = 0; i < c.entries.size(); ++i) {
    const BundleEntry& be = c.entries[i];
    if (i > 0 && be.log_index <= c.entries[i - 1].log_index) {
      return bad("log indexes must increase with seq");
    }
    Status s = VerifyMerkleInclusion(be.log_index, cp.size, MerkleLeafHash(be.note),
                                     be.inclusion_proof, cp.root_hash);
    if (!s.ok()) return bad("entry " + std::to_string(i) + " proof: " + s.message());
  }
  const std::string& artifact = parsed.front().entry.artifact;
  if (std::string why = RecordProblem(c.record_json, artifact); !why.empty()) return bad(why);
  if (const auto* rep = LastRepatriation(parsed);
      rep && *rep->entry.record_sha256 != Sha256Hex(c.record_json)) {
    return bad("record.json does not match the repatriation entry's record_sha256");
  }
  const std::vector<CustodyDocument> docs = ReferencedDocuments(parsed);
  for (const auto& [sha, content] : c.document_contents) {
    if (std::none_of(docs.begin(), docs.end(), [&](const auto& d) { return d.sha256 == sha; })) {
      return bad("document " + sha + " is not referenced by any entry");
    }
    if (Sha256Hex(content) != sha) return bad("document " + sha + " does not match its hash");
  }

  json doc_list = json::array();
  for (const CustodyDocument& d : docs) {
    doc_list.push_back({{"sha256", d.sha256},
                        {"media_type", d.media_type},
                        {"included", c.document_contents.count(d.sha256) > 0}});
  }
  const json manifest = {{"format", kBundleFormat},      {"artifact", artifact},
                         {"origin", cp.origin},          {"tree_size", cp.size},
                         {"entry_count", parsed.size()}, {"documents", std::move(doc_list)}};
  CUSTOS_ASSIGN_OR_RETURN(std::string manifest_bytes, CanonicalJson(manifest));

  ZipWriter zip;
  CUSTOS_RETURN_IF_ERROR(zip.Add(kBundleManifestName, manifest_bytes));
  CUSTOS_RETURN_IF_ERROR(zip.Add(kCheckpointName, c.checkpoint_note));
  CUSTOS_RETURN_IF_ERROR(zip.Add(kRecordName, c.record_json));
  for (size_t i = 0; i < c.entries.size(); ++i) {
    CUSTOS_RETURN_IF_ERROR(zip.Add(BundleEntryName(i), c.entries[i].note));
  }
  for (size_t i = 0; i < c.entries.size(); ++i) {
    TlogProof proof{std::nullopt, c.entries[i].log_index, c.entries[i].inclusion_proof,
                    c.checkpoint_note};
    CUSTOS_ASSIGN_OR_RETURN(std::string text, FormatTlogProof(proof));
    CUSTOS_RETURN_IF_ERROR(zip.Add(BundleProofName(i), text));
  }
  for (const auto& [sha, content] : c.document_contents) {
    CUSTOS_RETURN_IF_ERROR(zip.Add(std::string(kDocumentsDir) + sha, content));
  }
  return zip.Finish();
}

const BundleCheck* BundleReport::Find(std::string_view name) const {
  for (const BundleCheck& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> BundleReport::Lines() const {
  std::vector<std::string> out;
  for (const BundleCheck& c : checks) {
    switch (c.state) {
      case CheckState::kPass:
        out.push_back("ok  " + c.name + (c.detail.empty() ? "" : ": " + c.detail));
        break;
      case CheckState::kFail:
        out.push_back("FAIL " + c.name + ": " + c.detail);
        break;
      case CheckState::kSkip:
        out.push_back("skip " + c.name + ": " + c.detail);
        break;
    }
  }
  return out;
}

namespace {

class Verifier {
 public:
  Verifier(std::span<const NoteVerifier> log_keys, std::span<const NoteVerifier> entry_keys,
           unsigned threads)
      : log_keys_(log_keys), entry_keys_(entry_keys), threads_(std::max(threads, 1u)) {}

  BundleReport Run(std::string_view bundle);

 private:
  void Pass(std::string name, std::string detail = {}) {
    report_.checks.push_back({std::move(name), CheckState::kPass, std::move(detail)});
  }
  void Fail(std::string name, std::string detail) {
    report_.checks.push_back({std::move(name), CheckState::kFail, std::move(detail)});
  }
  void Skip(std::string name, std::string detail) {
    report_.checks.push_back({std::move(name), CheckState::kSkip, std::move(detail)});
  }
  void CheckFormat(std::vector<ZipEntryView>& files);
  void CheckManifest();
  void CheckManifestJson();
  void CheckEntries();
  void CheckChain();
  void CheckProofs();
  void CheckRecord();
  void CheckDocuments();

  std::span<const NoteVerifier> log_keys_;
  std::span<const NoteVerifier> entry_keys_;
  const unsigned threads_;
  BundleReport report_;

  const std::string_view* manifest_ = nullptr;
  const std::string_view* checkpoint_note_ = nullptr;
  const std::string_view* record_ = nullptr;
  std::map<uint64_t, const std::string_view*> notes_;   // position -> note
  std::map<uint64_t, const std::string_view*> proofs_;  // position -> proof text
  std::map<std::string, const std::string_view*> documents_;
  std::optional<Checkpoint> checkpoint_;  // parsed, signature checked or not
  bool checkpoint_trusted_ = false;
  // Entries in position order; nullopt where unreadable.
  std::vector<std::pair<uint64_t, std::optional<SignedCustodyEntry>>> entries_;
  std::map<uint64_t, uint64_t> log_index_;  // position -> log index from its proof
};

void Verifier::CheckFormat(std::vector<ZipEntryView>& files) {
  std::vector<std::string> unknown;
  for (ZipEntryView& f : files) {
    const std::string& n = f.name;
    if (n == kBundleManifestName) {
      manifest_ = &f.data;
    } else if (n == kCheckpointName) {
      checkpoint_note_ = &f.data;
    } else if (n == kRecordName) {
      record_ = &f.data;
    } else if (auto p = Position(n, kEntriesDir, ".note")) {
      notes_[*p] = &f.data;
    } else if (auto q = Position(n, kProofsDir, ".proof")) {
      proofs_[*q] = &f.data;
    } else if (n.starts_with(kDocumentsDir) && IsLowerHex64(n.substr(kDocumentsDir.size()))) {
      documents_[n.substr(kDocumentsDir.size())] = &f.data;
    } else {
      unknown.push_back(n);
    }
  }
  std::vector<std::string> problems;
  if (!manifest_) problems.push_back("no " + std::string(kBundleManifestName));
  if (!checkpoint_note_) problems.push_back("no checkpoint");
  if (notes_.empty()) problems.push_back("no entries");
  for (const std::string& n : unknown) problems.push_back("unexpected file " + n);
  for (const auto& [pos, text] : proofs_) {
    if (!notes_.count(pos)) problems.push_back(BundleProofName(pos) + " has no entry");
  }
  if (problems.empty()) {
    Pass("bundle format", std::to_string(notes_.size()) + " entries");
    return;
  }
  std::string detail;
  for (const std::string& p : problems) detail += (detail.empty() ? "" : "; ") + p;
  Fail("bundle format", detail);
}

void Verifier::CheckManifest() {
  if (!manifest_) return;  // reported by "bundle format"
  try {
    CheckManifestJson();
  } catch (const json::exception& e) {
    // A member of the wrong type (json::value throws on those).
    Fail("manifest", std::string("malformed custos-bundle.json: ") + e.what());
  }
}

void Verifier::CheckManifestJson() {
  json m = json::parse(manifest_->begin(), manifest_->end(), nullptr, false);
  if (!m.is_object()) return Fail("manifest", "custos-bundle.json is not a JSON object");
  if (m.value("format", "") != kBundleFormat) {
    return Fail("manifest", "unsupported format (want " + std::string(kBundleFormat) + ")");
  }
  std::vector<std::string> problems;
  std::vector<SignedCustodyEntry> readable;
  for (const auto& [pos, e] : entries_) {
    if (e) readable.push_back(*e);
  }
  if (!readable.empty() && m.value("artifact", "") != readable.front().entry.artifact) {
    problems.push_back("artifact differs from the entries'");
  }
  if (checkpoint_ && m.value("origin", "") != checkpoint_->origin) {
    problems.push_back("origin differs from the checkpoint's");
  }
  if (checkpoint_ && (!m.contains("tree_size") || m["tree_size"] != checkpoint_->size)) {
    problems.push_back("tree_size differs from the checkpoint's");
  }
  if (!m.contains("entry_count") || m["entry_count"] != notes_.size()) {
    problems.push_back("entry_count differs from the number of entries");
  }
  std::set<std::pair<std::string, std::string>> listed;
  if (m.contains("documents") && m["documents"].is_array()) {
    for (const json& d : m["documents"]) {
      if (!d.is_object()) continue;
      const std::string sha = d.value("sha256", "");
      listed.emplace(sha, d.value("media_type", ""));
      if (d.value("included", false) != (documents_.count(sha) > 0)) {
        problems.push_back("document " + sha + " included flag is wrong");
      }
    }
  } else {
    problems.push_back("no document list");
  }
  std::set<std::pair<std::string, std::string>> referenced;
  for (const CustodyDocument& d : ReferencedDocuments(readable)) {
    referenced.emplace(d.sha256, d.media_type);
  }
  if (listed != referenced) problems.push_back("document list differs from the entries'");
  if (problems.empty()) return Pass("manifest");
  std::string detail;
  for (const std::string& p : problems) detail += (detail.empty() ? "" : "; ") + p;
  Fail("manifest", detail);
}

void Verifier::CheckEntries() {
  // The signatures (nearly all of a verification's work) on threads_
  // threads; the results are then reported in order.
  std::vector<const std::string_view*> notes;
  for (const auto& [pos, note] : notes_) notes.push_back(note);
  std::vector<std::optional<Result<SignedCustodyEntry>>> results(notes.size());
  const size_t helpers = std::min<size_t>(threads_, std::max<size_t>(notes.size(), 1)) - 1;
  ParallelFor(static_cast<unsigned>(helpers)).Run(notes.size(), [&](size_t i) {
    results[i].emplace(OpenCustodyNote(*notes[i], entry_keys_));
  });
  size_t i = 0;
  for (const auto& [pos, note] : notes_) {
    const std::string name = "entry " + std::to_string(pos) + " signature";
    Result<SignedCustodyEntry> opened = std::move(*results[i++]);
    if (opened.ok()) {
      std::string who;
      for (const NoteSignature& s : opened->signatures) who += (who.empty() ? "" : ", ") + s.name;
      Pass(name, "signed by " + who);
      entries_.emplace_back(pos, std::move(opened).value());
      continue;
    }
    Fail(name, opened.status().message());
    // Keep the unverified content so the chain is still checked on its own.
    auto parsed = ParseCustodyNote(*note);
    entries_.emplace_back(pos,
                          parsed.ok() ? std::optional(std::move(parsed).value()) : std::nullopt);
  }
  if (!entries_.empty() && entries_.front().second) {
    report_.artifact = entries_.front().second->entry.artifact;
  }
  report_.entry_count = entries_.size();
}

void Verifier::CheckChain() {
  if (entries_.empty()) return;
  for (const auto& [pos, e] : entries_) {
    if (!e) return Fail("chain", "entry " + std::to_string(pos) + " is not a custody note");
  }
  // VerifyCustodyChain wants the entries side by side: lent to it and taken
  // back rather than copied (10,000 entries are megabytes).
  std::vector<SignedCustodyEntry> chain;
  chain.reserve(entries_.size());
  for (auto& [pos, e] : entries_) chain.push_back(std::move(*e));
  const Status linked = VerifyCustodyChain(chain);
  for (size_t i = 0; i < chain.size(); ++i) *entries_[i].second = std::move(chain[i]);
  if (!linked.ok()) return Fail("chain", linked.message());
  // Entries are appended in seq order, so their log indexes must increase.
  std::optional<uint64_t> last;
  for (const auto& [pos, e] : entries_) {
    auto it = log_index_.find(pos);
    if (it == log_index_.end()) continue;
    if (last && it->second <= *last) {
      return Fail("chain",
                  "entry " + std::to_string(pos) + " precedes an earlier entry in the log");
    }
    last = it->second;
  }
  Pass("chain", std::to_string(entries_.size()) + " entries of " +
                    entries_.front().second->entry.artifact + ", seq 0.." +
                    std::to_string(entries_.size() - 1));
}

void Verifier::CheckProofs() {
  std::set<uint64_t> used;
  MerkleInclusionChecker inclusion;  // entries in order: neighbours share upper nodes
  for (const auto& [pos, note] : notes_) {
    const std::string name = "entry " + std::to_string(pos) + " inclusion proof";
    auto it = proofs_.find(pos);
    if (it == proofs_.end()) {
      Fail(name, "missing " + BundleProofName(pos));
      continue;
    }
    auto proof = ParseTlogProof(*it->second);
    if (!proof.ok()) {
      Fail(name, proof.status().message());
      continue;
    }
    if (!checkpoint_) {
      Fail(name, "no readable checkpoint to check against");
      continue;
    }
    if (proof->checkpoint != *checkpoint_note_) {
      Fail(name, "proof is relative to a different checkpoint");
      continue;
    }
    if (!used.insert(proof->index).second) {
      Fail(name, "log index " + std::to_string(proof->index) + " claimed by two entries");
      continue;
    }
    log_index_[pos] = proof->index;
    Status s = inclusion.Verify(proof->index, checkpoint_->size, MerkleLeafHash(*note),
                                proof->hashes, checkpoint_->root_hash);
    if (!s.ok()) {
      Fail(name, s.message());
      continue;
    }
    Pass(name, "log index " + std::to_string(proof->index));
  }
}

void Verifier::CheckRecord() {
  const SignedCustodyEntry* rep = nullptr;  // the last readable repatriation entry
  for (const auto& [pos, e] : entries_) {
    if (e && e->entry.event == CustodyEvent::kRepatriation) rep = &*e;
  }
  if (!rep) return Skip("record hash", "no repatriation entry covers the record");
  const std::string at = "entry " + std::to_string(rep->entry.seq);
  if (!record_) return Fail("record hash", "record.json missing; " + at + " covers a record");
  if (Sha256Hex(*record_) != *rep->entry.record_sha256) {
    return Fail("record hash", "record.json does not match record_sha256 of " + at);
  }
  if (std::string why = RecordProblem(*record_, rep->entry.artifact); !why.empty()) {
    return Fail("record hash", why);
  }
  Pass("record hash", "record.json matches " + at + " (repatriation)");
}

void Verifier::CheckDocuments() {
  std::set<std::string> referenced;
  for (const auto& [pos, e] : entries_) {
    if (!e) continue;
    for (const CustodyDocument& d : e->entry.documents) referenced.insert(d.sha256);
  }
  for (const auto& [sha, content] : documents_) {
    const std::string name = "document " + sha + " hash";
    if (Sha256Hex(*content) != sha) {
      Fail(name, "content does not match its SHA-256");
    } else if (!referenced.count(sha)) {
      Fail(name, "not referenced by any custody entry");
    } else {
      Pass(name);
    }
  }
}

BundleReport Verifier::Run(std::string_view bundle) {
  auto files = ReadZipViews(bundle);
  if (!files.ok()) {
    Fail("bundle format", files.status().message());
    return std::move(report_);
  }
  CheckFormat(*files);
  if (checkpoint_note_) {
    auto opened = OpenCheckpoint(*checkpoint_note_, log_keys_);
    if (opened.ok()) {
      checkpoint_ = std::move(opened).value();
      checkpoint_trusted_ = true;
      Pass("checkpoint signature",
           checkpoint_->origin + " size " + std::to_string(checkpoint_->size));
    } else {
      Fail("checkpoint signature", opened.status().message());
      // Proofs are still checked against the untrusted tree head on their own.
      auto parsed = ParseNote(*checkpoint_note_);
      if (parsed.ok()) {
        auto cp = ParseCheckpointText(parsed->text);
        if (cp.ok()) checkpoint_ = std::move(cp).value();
      }
    }
  }
  CheckEntries();
  CheckProofs();
  CheckChain();
  CheckManifest();
  CheckRecord();
  CheckDocuments();
  bool any_fail = false;
  for (const BundleCheck& c : report_.checks) any_fail |= c.state == CheckState::kFail;
  report_.valid = !any_fail && checkpoint_trusted_ && !entries_.empty();
  return std::move(report_);
}

}  // namespace

BundleReport VerifyBundle(std::string_view bundle, std::span<const NoteVerifier> log_keys,
                          std::span<const NoteVerifier> entry_keys, unsigned threads) {
  return Verifier(log_keys, entry_keys, threads).Run(bundle);
}

}  // namespace custos::core
