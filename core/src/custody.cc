#include "custos/core/custody.h"

#include <array>
#include <set>

#include "custos/core/canonical_json.h"
#include "custos/core/crypto.h"
#include "utf8.h"

namespace custos::core {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<CustodyEvent, std::string_view>, 9> kEvents = {{
    {CustodyEvent::kSeizure, "seizure"},
    {CustodyEvent::kIntake, "intake"},
    {CustodyEvent::kExamination, "examination"},
    {CustodyEvent::kStorage, "storage"},
    {CustodyEvent::kTransfer, "transfer"},
    {CustodyEvent::kLoan, "loan"},
    {CustodyEvent::kRelease, "release"},
    {CustodyEvent::kRepatriation, "repatriation"},
    {CustodyEvent::kOther, "other"},
}};

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// UTF-8 text; control characters refused unless `multiline` (then "\n" and
// "\t" are allowed, for notes).
bool IsCleanText(std::string_view s, bool multiline) {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < s.size()) {
    if (!internal::DecodeUtf8(s, &pos, &cp)) return false;
    if (cp < 0x20 || cp == 0x7F) {
      if (!(multiline && (cp == '\n' || cp == '\t'))) return false;
    }
  }
  return true;
}

Status CheckText(std::string_view value, const char* field, size_t max, bool required,
                 bool multiline = false) {
  if (required && value.empty())
    return Status::InvalidArgument(std::string(field) + " is required", field);
  if (value.size() > max) {
    return Status::InvalidArgument(
        std::string(field) + " longer than " + std::to_string(max) + " bytes", field);
  }
  if (!IsCleanText(value, multiline)) {
    return Status::InvalidArgument(std::string(field) + " must be UTF-8 without control characters",
                                   field);
  }
  return Status::Ok();
}

bool IsMediaTypeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
}

// RFC 6838 restricted-name "/" restricted-name, lowercase.
bool IsMediaType(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  for (std::string_view part : {s.substr(0, slash), s.substr(slash + 1)}) {
    if (part.empty() || part.size() > 127) return false;
    if (!((part[0] >= 'a' && part[0] <= 'z') || (part[0] >= '0' && part[0] <= '9'))) return false;
    for (char c : part) {
      if (!IsMediaTypeChar(c)) return false;
    }
  }
  return true;
}

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

Result<std::string> TakeString(const json& obj, const char* key) {
  const auto& v = obj.at(key);
  if (!v.is_string()) return Status::InvalidArgument(std::string(key) + " must be a string", key);
  return v.get<std::string>();
}

}  // namespace

std::string_view CustodyEventName(CustodyEvent event) {
  for (const auto& [e, name] : kEvents) {
    if (e == event) return name;
  }
  assert(false && "unknown CustodyEvent");
  return "other";
}

std::optional<CustodyEvent> ParseCustodyEvent(std::string_view name) {
  for (const auto& [e, n] : kEvents) {
    if (n == name) return e;
  }
  return std::nullopt;
}

bool IsRfc3339UtcTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f+]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return false;
  }
  const int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  const int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day) return false;
  const std::string_view rest = s.substr(19, s.size() - 20);  // between seconds and 'Z'
  if (rest.empty()) return true;
  if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return false;
  return Digits(rest, 1, rest.size() - 1) >= 0;
}

Status ValidateCustodyEntry(const CustodyEntry& e) {
  CUSTOS_RETURN_IF_ERROR(CheckText(e.artifact, "artifact", kMaxCustodyArtifactId, true));
  if (e.seq >= (uint64_t{1} << 53)) return Status::InvalidArgument("seq too large", "seq");
  if (e.seq == 0 && e.prev.has_value()) {
    return Status::InvalidArgument("prev must be null for seq 0", "prev");
  }
  if (e.seq > 0 && (!e.prev || !IsLowerHex64(*e.prev))) {
    return Status::InvalidArgument("prev must be the lowercase hex SHA-256 of the previous entry",
                                   "prev");
  }
  if (CustodyEventName(e.event).empty()) return Status::InvalidArgument("bad event", "event");
  CUSTOS_RETURN_IF_ERROR(CheckText(e.actor, "actor", kMaxCustodyText, true));
  CUSTOS_RETURN_IF_ERROR(CheckText(e.location, "location", kMaxCustodyText, true));
  if (!IsRfc3339UtcTime(e.time)) {
    return Status::InvalidArgument("time must be RFC 3339 UTC, e.g. 2024-05-01T12:00:00Z", "time");
  }
  if (e.documents.size() > kMaxCustodyDocuments) {
    return Status::InvalidArgument("too many documents", "documents");
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < e.documents.size(); ++i) {
    const std::string prefix = "documents[" + std::to_string(i) + "]";
    if (!IsLowerHex64(e.documents[i].sha256)) {
      return Status::InvalidArgument("document hash must be 64 lowercase hex digits",
                                     prefix + ".sha256");
    }
    if (!seen.insert(e.documents[i].sha256).second) {
      return Status::InvalidArgument("document listed twice", prefix + ".sha256");
    }
    if (!IsMediaType(e.documents[i].media_type)) {
      return Status::InvalidArgument("media type must be lowercase type/subtype",
                                     prefix + ".media_type");
    }
  }
  CUSTOS_RETURN_IF_ERROR(CheckText(e.notes, "notes", kMaxCustodyNotes, false, true));
  if (e.event == CustodyEvent::kRepatriation) {
    if (!e.record_sha256 || !IsLowerHex64(*e.record_sha256)) {
      return Status::InvalidArgument(
          "a repatriation entry needs the lowercase hex SHA-256 of the record", "record_sha256");
    }
  } else if (e.record_sha256) {
    return Status::InvalidArgument("record_sha256 is only for repatriation entries",
                                   "record_sha256");
  }
  return Status::Ok();
}

Result<json> CustodyEntryToJson(const CustodyEntry& e) {
  CUSTOS_RETURN_IF_ERROR(ValidateCustodyEntry(e));
  json docs = json::array();
  for (const CustodyDocument& d : e.documents) {
    docs.push_back({{"sha256", d.sha256}, {"media_type", d.media_type}});
  }
  json j = {
      {"v", kCustodyEntryVersion},
      {"artifact", e.artifact},
      {"seq", e.seq},
      {"prev", e.prev ? json(*e.prev) : json(nullptr)},
      {"event", std::string(CustodyEventName(e.event))},
      {"actor", e.actor},
      {"location", e.location},
      {"time", e.time},
      {"documents", std::move(docs)},
      {"notes", e.notes},
  };
  if (e.record_sha256) j["record_sha256"] = *e.record_sha256;
  return j;
}

Result<CustodyEntry> CustodyEntryFromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("custody entry must be a JSON object");
  static const std::set<std::string> kRequired = {
      "v", "artifact", "seq", "prev", "event", "actor", "location", "time", "documents", "notes"};
  for (const auto& [key, value] : j.items()) {
    if (!kRequired.count(key) && key != "record_sha256") {
      return Status::InvalidArgument("unknown member " + key, key);
    }
  }
  for (const std::string& key : kRequired) {
    if (!j.contains(key)) return Status::InvalidArgument("missing member " + key, key);
  }
  const json& v = j.at("v");
  if (!v.is_number_integer() || v.get<int64_t>() != kCustodyEntryVersion) {
    return Status::InvalidArgument("unsupported entry version", "v");
  }
  CustodyEntry e;
  CUSTOS_ASSIGN_OR_RETURN(e.artifact, TakeString(j, "artifact"));
  const json& seq = j.at("seq");
  if (!seq.is_number_unsigned()) {
    return Status::InvalidArgument("seq must be a non-negative integer", "seq");
  }
  e.seq = seq.get<uint64_t>();
  const json& prev = j.at("prev");
  if (prev.is_string()) {
    e.prev = prev.get<std::string>();
  } else if (!prev.is_null()) {
    return Status::InvalidArgument("prev must be a string or null", "prev");
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string event, TakeString(j, "event"));
  auto parsed_event = ParseCustodyEvent(event);
  if (!parsed_event) return Status::InvalidArgument("unknown event " + event, "event");
  e.event = *parsed_event;
  CUSTOS_ASSIGN_OR_RETURN(e.actor, TakeString(j, "actor"));
  CUSTOS_ASSIGN_OR_RETURN(e.location, TakeString(j, "location"));
  CUSTOS_ASSIGN_OR_RETURN(e.time, TakeString(j, "time"));
  CUSTOS_ASSIGN_OR_RETURN(e.notes, TakeString(j, "notes"));
  const json& docs = j.at("documents");
  if (!docs.is_array()) return Status::InvalidArgument("documents must be an array", "documents");
  for (size_t i = 0; i < docs.size(); ++i) {
    const json& d = docs[i];
    const std::string field = "documents[" + std::to_string(i) + "]";
    if (!d.is_object() || d.size() != 2 || !d.contains("sha256") || !d.contains("media_type") ||
        !d["sha256"].is_string() || !d["media_type"].is_string()) {
      return Status::InvalidArgument("document must be {sha256, media_type} strings", field);
    }
    e.documents.push_back({d["sha256"].get<std::string>(), d["media_type"].get<std::string>()});
  }
  if (j.contains("record_sha256")) {
    CUSTOS_ASSIGN_OR_RETURN(e.record_sha256, TakeString(j, "record_sha256"));
  }
  CUSTOS_RETURN_IF_ERROR(ValidateCustodyEntry(e));
  return e;
}

Result<std::string> CanonicalCustodyJson(const CustodyEntry& e) {
  // Written directly rather than through CanonicalJson(CustodyEntryToJson(e)),
  // which gives the same bytes (a test holds them equal) at several times the
  // cost: every signature check re-derives this to prove the signed text
  // canonical, and a verifier checks thousands. The member names are ASCII,
  // so their byte order is RFC 8785's UTF-16 order.
  CUSTOS_RETURN_IF_ERROR(ValidateCustodyEntry(e));
  if (e.seq > kMaxCanonicalJsonInteger) {
    return Status::InvalidArgument("seq beyond 2^53", "seq");
  }
  std::string out;
  out.reserve(200 + e.actor.size() + e.artifact.size() + e.location.size() + e.notes.size() +
              e.documents.size() * 120);
  bool first = true;
  const auto member = [&](const char* name) {
    out += first ? "{\"" : ",\"";
    first = false;
    out += name;
    out += "\":";
  };
  const auto str = [&](const char* name, std::string_view value) {
    member(name);
    return AppendCanonicalJsonString(value, name, &out);
  };
  CUSTOS_RETURN_IF_ERROR(str("actor", e.actor));
  CUSTOS_RETURN_IF_ERROR(str("artifact", e.artifact));
  member("documents");
  out += '[';
  for (size_t i = 0; i < e.documents.size(); ++i) {
    out += i ? ",{\"media_type\":" : "{\"media_type\":";
    const std::string where = "documents/" + std::to_string(i);
    CUSTOS_RETURN_IF_ERROR(AppendCanonicalJsonString(e.documents[i].media_type, where, &out));
    out += ",\"sha256\":";
    CUSTOS_RETURN_IF_ERROR(AppendCanonicalJsonString(e.documents[i].sha256, where, &out));
    out += '}';
  }
  out += ']';
  CUSTOS_RETURN_IF_ERROR(str("event", CustodyEventName(e.event)));
  CUSTOS_RETURN_IF_ERROR(str("location", e.location));
  CUSTOS_RETURN_IF_ERROR(str("notes", e.notes));
  if (e.prev) {
    CUSTOS_RETURN_IF_ERROR(str("prev", *e.prev));
  } else {
    member("prev");
    out += "null";
  }
  if (e.record_sha256) CUSTOS_RETURN_IF_ERROR(str("record_sha256", *e.record_sha256));
  member("seq");
  out += std::to_string(e.seq);
  CUSTOS_RETURN_IF_ERROR(str("time", e.time));
  member("v");
  out += std::to_string(kCustodyEntryVersion);
  out += '}';
  return out;
}

namespace {

// A cursor over canonical JSON in CanonicalCustodyJson's layout. Each Take*
// consumes one token or returns false; nothing is checked twice, because
// CustodyEntryFromCanonicalJson re-encodes what it read and compares bytes.
class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool Take(std::string_view literal) {
    if (s_.compare(pos_, literal.size(), literal) != 0) return false;
    pos_ += literal.size();
    return true;
  }
  // A string with RFC 8785's escapes only (\" \\ \b \f \n \r \t \u00xx).
  bool TakeString(std::string* out) {
    if (!Take("\"")) return false;
    out->clear();
    while (pos_ < s_.size()) {
      const size_t run = s_.find_first_of("\"\\", pos_);
      if (run == std::string_view::npos) return false;
      out->append(s_.substr(pos_, run - pos_));
      pos_ = run + 1;
      if (s_[run] == '"') return true;
      if (pos_ >= s_.size()) return false;
      const char e = s_[pos_++];
      // The one-letter escapes and what they stand for.
      static constexpr std::string_view kEscaped = "\"\\bfnrt", kMeaning = "\"\\\b\f\n\r\t";
      if (const size_t k = kEscaped.find(e); k != std::string_view::npos) {
        out->push_back(kMeaning[k]);
        continue;
      }
      // \u00xx, lowercase hex: the control characters without a letter.
      if (e != 'u' || pos_ + 4 > s_.size() || s_.compare(pos_, 2, "00") != 0) return false;
      const int hi = Hex(s_[pos_ + 2]), lo = Hex(s_[pos_ + 3]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      pos_ += 4;
    }
    return false;
  }
  bool TakeUint(uint64_t* out) {
    const size_t start = pos_;
    uint64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      const uint64_t digit = static_cast<uint64_t>(s_[pos_] - '0');
      if (v > (UINT64_MAX - digit) / 10) return false;
      v = v * 10 + digit;
      ++pos_;
    }
    *out = v;
    return pos_ > start;
  }

 private:
  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<CustodyEntry> CustodyEntryFromCanonicalJson(std::string_view canonical) {
  CanonicalReader r(canonical);
  CustodyEntry e;
  std::string text;
  uint64_t version = 0;
  if (!r.Take("{\"actor\":") || !r.TakeString(&e.actor) || !r.Take(",\"artifact\":") ||
      !r.TakeString(&e.artifact) || !r.Take(",\"documents\":[")) {
    return std::nullopt;
  }
  while (!r.Take("]")) {
    if (!e.documents.empty() && !r.Take(",")) return std::nullopt;
    CustodyDocument d;
    if (!r.Take("{\"media_type\":") || !r.TakeString(&d.media_type) || !r.Take(",\"sha256\":") ||
        !r.TakeString(&d.sha256) || !r.Take("}")) {
      return std::nullopt;
    }
    e.documents.push_back(std::move(d));
  }
  if (!r.Take(",\"event\":") || !r.TakeString(&text)) return std::nullopt;
  auto event = ParseCustodyEvent(text);
  if (!event) return std::nullopt;
  e.event = *event;
  if (!r.Take(",\"location\":") || !r.TakeString(&e.location) || !r.Take(",\"notes\":") ||
      !r.TakeString(&e.notes) || !r.Take(",\"prev\":")) {
    return std::nullopt;
  }
  if (!r.Take("null")) {
    if (!r.TakeString(&text)) return std::nullopt;
    e.prev = text;
  }
  if (r.Take(",\"record_sha256\":")) {
    if (!r.TakeString(&text)) return std::nullopt;
    e.record_sha256 = text;
  }
  if (!r.Take(",\"seq\":") || !r.TakeUint(&e.seq) || !r.Take(",\"time\":") ||
      !r.TakeString(&e.time) || !r.Take(",\"v\":") || !r.TakeUint(&version) || !r.Take("}") ||
      !r.done() || version != kCustodyEntryVersion) {
    return std::nullopt;
  }
  // The proof that `canonical` is this entry's one encoding (and that the
  // entry is valid): encoding it again gives the same bytes.
  Result<std::string> again = CanonicalCustodyJson(e);
  if (!again.ok() || *again != canonical) return std::nullopt;
  return e;
}

std::string CustodyLinkHash(std::string_view canonical_json) {
  // Bytes hashed: the canonical JSON of the previous entry, nothing else.
  return Sha256Hex(canonical_json);
}

Status ChainCustodyEntry(const CustodyEntry* previous, CustodyEntry* entry) {
  if (previous == nullptr) {
    entry->seq = 0;
    entry->prev.reset();
    return Status::Ok();
  }
  if (previous->artifact != entry->artifact) {
    return Status::InvalidArgument("previous entry belongs to another artifact", "artifact");
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string prev_json, CanonicalCustodyJson(*previous));
  entry->seq = previous->seq + 1;
  entry->prev = CustodyLinkHash(prev_json);
  return Status::Ok();
}

Result<std::string> CustodyNoteText(const CustodyEntry& entry) {
  CUSTOS_ASSIGN_OR_RETURN(std::string canonical, CanonicalCustodyJson(entry));
  // Note text (the signed bytes): type line, canonical JSON, each ended by "\n".
  return std::string(kCustodyNoteType) + "\n" + canonical + "\n";
}

Result<std::string> SignCustodyEntry(const CustodyEntry& entry,
                                     std::span<const NoteSigner> signers) {
  CUSTOS_ASSIGN_OR_RETURN(std::string text, CustodyNoteText(entry));
  return SignNote(text, signers);
}

namespace {

Result<SignedCustodyEntry> FromText(std::string_view note, const Note& parsed) {
  std::string_view text = parsed.text;
  const size_t nl = text.find('\n');
  if (text.substr(0, nl) != kCustodyNoteType) {
    return Status::InvalidArgument("not a custody note: type line is not " +
                                   std::string(kCustodyNoteType));
  }
  std::string_view body = text.substr(nl + 1);
  if (body.empty() || body.find('\n') != body.size() - 1) {
    return Status::InvalidArgument("custody note text must be the type line and one JSON line");
  }
  body.remove_suffix(1);
  if (std::optional<CustodyEntry> entry = CustodyEntryFromCanonicalJson(body)) {
    SignedCustodyEntry out;
    out.note = std::string(note);
    out.canonical_json = std::string(body);
    out.entry = std::move(*entry);
    out.signatures = parsed.verified;
    return out;
  }
  // Refused: the general parser says why.
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("custody note JSON does not parse");
  CUSTOS_ASSIGN_OR_RETURN(CustodyEntry entry, CustodyEntryFromJson(j));
  CUSTOS_ASSIGN_OR_RETURN(std::string canonical, CanonicalCustodyJson(entry));
  if (canonical != body) {
    return Status::InvalidArgument("custody note JSON is not in RFC 8785 canonical form");
  }
  SignedCustodyEntry out;
  out.note = std::string(note);
  out.canonical_json = std::move(canonical);
  out.entry = std::move(entry);
  out.signatures = parsed.verified;
  return out;
}

}  // namespace

Result<SignedCustodyEntry> ParseCustodyNote(std::string_view note) {
  CUSTOS_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  return FromText(note, parsed);
}

Result<SignedCustodyEntry> OpenCustodyNote(std::string_view note,
                                           std::span<const NoteVerifier> keys) {
  CUSTOS_ASSIGN_OR_RETURN(Note opened, OpenNote(note, keys));
  return FromText(note, opened);
}

Status VerifyCustodyChain(std::span<const SignedCustodyEntry> entries) {
  if (entries.empty()) return Status::InvalidArgument("no custody entries");
  const std::string& artifact = entries[0].entry.artifact;
  for (size_t i = 0; i < entries.size(); ++i) {
    const CustodyEntry& e = entries[i].entry;
    const std::string at = "entry " + std::to_string(i) + ": ";
    if (e.artifact != artifact) {
      return Status::Corruption(at + "artifact '" + e.artifact + "' is not '" + artifact + "'");
    }
    if (e.seq != i) {
      return Status::Corruption(at + "seq " + std::to_string(e.seq) + ", expected " +
                                std::to_string(i));
    }
    if (i == 0) {
      if (e.prev) return Status::Corruption(at + "first entry has a prev link");
      continue;
    }
    const std::string want = CustodyLinkHash(entries[i - 1].canonical_json);
    if (!e.prev || *e.prev != want) {
      return Status::Corruption(at + "prev does not match the hash of entry " +
                                std::to_string(i - 1));
    }
  }
  return Status::Ok();
}

}  // namespace custos::core
