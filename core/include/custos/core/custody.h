// Custody entries: the signed, hash-linked chain of custody of one artifact.
//
// An entry is serialised as RFC 8785 canonical JSON (canonical_json.h):
//
//   {"actor":..,"artifact":..,"documents":[{"media_type":..,"sha256":..}],
//    "event":..,"location":..,"notes":..,"prev":null|"<hex>",
//    ["record_sha256":"<hex>",] "seq":N,"time":"<RFC 3339 UTC>","v":1}
//
// (members sorted as JCS requires). `prev` of entry seq N > 0 is
//   lowercase hex SHA-256( canonical JSON bytes of entry N-1 of the same artifact )
// i.e. exactly the UTF-8 bytes of the JSON line inside entry N-1's note, no
// newline, no type line, no signatures; `prev` is null for seq 0.
// `record_sha256` (repatriation entries only, and required there) is
//   lowercase hex SHA-256( CanonicalJson(artifact record) ).
//
// The entry is signed as a C2SP signed note (signed_note.h) whose text is
//   "custos.custody/v1\n" <canonical JSON> "\n"
// and the log leaf for the entry is the whole signed note, signature lines
// included (leaf hash = SHA-256(0x00 || note bytes)).
//
// Pure values and functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/signed_note.h"
#include "custos/core/status.h"

namespace custos::core {

inline constexpr int kCustodyEntryVersion = 1;
inline constexpr std::string_view kCustodyNoteType = "custos.custody/v1";

// Bounds on entry fields (bytes of UTF-8).
inline constexpr size_t kMaxCustodyArtifactId = 200;
inline constexpr size_t kMaxCustodyText = 1000;  // actor, location
inline constexpr size_t kMaxCustodyNotes = 64 * 1024;
inline constexpr size_t kMaxCustodyDocuments = 1000;

enum class CustodyEvent {
  kSeizure,
  kIntake,
  kExamination,
  kStorage,
  kTransfer,
  kLoan,
  kRelease,
  kRepatriation,
  kOther,
};

// "seizure", "intake", ... "other".
std::string_view CustodyEventName(CustodyEvent event);
// The inverse of CustodyEventName; nullopt for anything else (case-sensitive).
std::optional<CustodyEvent> ParseCustodyEvent(std::string_view name);

struct CustodyDocument {
  std::string sha256;      // 64 lowercase hex
  std::string media_type;  // lowercase "type/subtype", no parameters
  friend bool operator==(const CustodyDocument&, const CustodyDocument&) = default;
};

struct CustodyEntry {
  std::string artifact;
  uint64_t seq = 0;
  std::optional<std::string> prev;  // null exactly when seq == 0
  CustodyEvent event = CustodyEvent::kOther;
  std::string actor;
  std::string location;
  std::string time;  // RFC 3339 UTC, "2024-05-01T12:00:00Z" (fraction allowed)
  std::vector<CustodyDocument> documents;
  std::string notes;
  std::optional<std::string> record_sha256;  // repatriation only
  friend bool operator==(const CustodyEntry&, const CustodyEntry&) = default;
};

// True for "YYYY-MM-DDTHH:MM:SS[.fraction]Z" with a real calendar date
// (seconds up to 60 for leap seconds). Only "T" and "Z", uppercase.
bool IsRfc3339UtcTime(std::string_view s);

// Ok, or InvalidArgument whose field() names the first bad field
// ("artifact", "seq", "prev", "actor", "location", "time",
// "documents[i].sha256", "documents[i].media_type", "notes", "record_sha256").
Status ValidateCustodyEntry(const CustodyEntry& entry);

// The JSON object of a valid entry (InvalidArgument as ValidateCustodyEntry).
Result<nlohmann::json> CustodyEntryToJson(const CustodyEntry& entry);
// Strict inverse: unknown or missing members, wrong types, v != 1 and any
// ValidateCustodyEntry failure are InvalidArgument.
Result<CustodyEntry> CustodyEntryFromJson(const nlohmann::json& json);
// RFC 8785 bytes of the entry: what `prev` of the next entry hashes.
Result<std::string> CanonicalCustodyJson(const CustodyEntry& entry);
// The valid entry whose CanonicalCustodyJson is exactly `canonical`, or
// nullopt when there is none (not JSON, not canonical, not a valid entry).
// Reads the fixed layout directly, without a JSON tree, then re-encodes the
// entry and compares: what every signature check does for each entry
// (callers that need the reason for a refusal parse with
// CustodyEntryFromJson).
std::optional<CustodyEntry> CustodyEntryFromCanonicalJson(std::string_view canonical);
// Lowercase hex SHA-256 of `canonical_json`: the next entry's `prev`.
std::string CustodyLinkHash(std::string_view canonical_json);

// Sets entry->seq and entry->prev so that `entry` follows `previous` (nullptr
// for an artifact's first entry: seq 0, prev null). InvalidArgument when
// `previous` is invalid or belongs to another artifact.
Status ChainCustodyEntry(const CustodyEntry* previous, CustodyEntry* entry);

// "custos.custody/v1\n" + canonical JSON + "\n": the note text that is signed.
Result<std::string> CustodyNoteText(const CustodyEntry& entry);
// The signed note (log leaf data) for `entry`, signed by every signer.
Result<std::string> SignCustodyEntry(const CustodyEntry& entry,
                                     std::span<const NoteSigner> signers);

// A custody entry as carried by a note.
struct SignedCustodyEntry {
  std::string note;            // the whole signed note: the log leaf data
  std::string canonical_json;  // the JSON line of the note text
  CustodyEntry entry;
  std::vector<NoteSignature> signatures;  // verified ones after OpenCustodyNote
};

// Parses a custody note WITHOUT checking signatures (for display and fsck of
// already-verified data). InvalidArgument when the note is malformed, the type
// line is not kCustodyNoteType, the text is not exactly two lines, or the JSON
// line is not the canonical serialisation of a valid entry.
Result<SignedCustodyEntry> ParseCustodyNote(std::string_view note);
// OpenNote against `keys` (its Status codes), then ParseCustodyNote's checks.
Result<SignedCustodyEntry> OpenCustodyNote(std::string_view note,
                                           std::span<const NoteVerifier> keys);

// Ok when `entries` is a complete chain of one artifact from its first entry:
// entries[i].seq == i, entries[0].prev is null, entries[i].prev ==
// CustodyLinkHash(entries[i-1].canonical_json), every artifact equal.
// Corruption naming the first offending position otherwise (InvalidArgument
// for an empty span).
Status VerifyCustodyChain(std::span<const SignedCustodyEntry> entries);

}  // namespace custos::core
