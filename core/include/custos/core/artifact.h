// The artifact record: the Object ID fields of a piece of cultural property,
// its status and visibility, restricted case data and provenance.
//
// ArtifactFromJson validates untrusted input (HTTP bodies, imports) and names
// the offending field in every error; ArtifactToJson renders a record for a
// reader, dropping restricted case data when the reader may not see it.
// Plain values: thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "custos/core/status.h"

namespace custos::core {

enum class Visibility { kPublic, kRestricted };

enum class ArtifactStatus {
  kInCollection,
  kReportedStolen,
  kSeized,
  kUnderInvestigation,
  kInLitigation,
  kRepatriated,
  kReturned,
};

std::string_view ToString(Visibility v);
std::string_view ToString(ArtifactStatus s);
std::optional<Visibility> ParseVisibility(std::string_view s);
std::optional<ArtifactStatus> ParseArtifactStatus(std::string_view s);
// All status names, in declaration order (for facets and forms).
const std::vector<std::string_view>& AllArtifactStatuses();

// The object's date. Years are astronomical-ish integers: negative for BCE
// (-500 is 500 BCE); 0 is accepted as 1 BCE would be by most catalogues.
struct ArtifactDate {
  std::string display;  // "c. 500 BCE", as the cataloguer wrote it
  std::optional<int> earliest;
  std::optional<int> latest;
  bool operator==(const ArtifactDate&) const = default;
};

struct Identifier {
  std::string type;   // inventory_number, interpol, case_number, lot, ...
  std::string value;
  bool operator==(const Identifier&) const = default;
};

struct Artifact {
  // Server-managed.
  std::string id;
  int64_t version = 0;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::string created_by;
  std::string updated_by;

  Visibility visibility = Visibility::kPublic;
  ArtifactStatus status = ArtifactStatus::kInCollection;
  std::string object_type;
  std::string title;
  std::vector<std::string> materials;
  std::vector<std::string> techniques;
  std::string measurements;
  std::string inscriptions;
  std::string distinguishing_features;
  std::string subject;
  ArtifactDate date;
  std::string maker;
  std::string culture;
  std::string country_of_origin;  // ISO 3166-1 alpha-2, upper case, or empty
  std::string find_spot;
  std::string description;
  std::string language;  // ISO 639-1 of the record's text (search stemming), or empty
  std::vector<Identifier> identifiers;
  std::string provenance_text;
  // Structured provenance and its derived data, as JSON produced by the
  // provenance module: periods, footnotes, parser warnings, gap findings.
  nlohmann::json provenance = nlohmann::json::array();
  nlohmann::json provenance_footnotes = nlohmann::json::array();
  nlohmann::json provenance_warnings = nlohmann::json::array();
  nlohmann::json flags = nlohmann::json::array();
  // Case data for investigators and admins only: a JSON object.
  nlohmann::json restricted = nlohmann::json::object();
  // The record as it arrived in LIDO XML (one lido:lido element), kept so
  // that nothing unmapped is lost on import; empty for native records.
  std::string source_lido;

  bool operator==(const Artifact&) const = default;
};

// Limits on untrusted input. Exposed so that forms and docs can state them.
struct ArtifactLimits {
  static constexpr size_t kIdMax = 64;
  static constexpr size_t kShortText = 500;        // title, object_type, maker, ...
  static constexpr size_t kLongText = 20000;       // description, inscriptions, ...
  static constexpr size_t kProvenanceText = 100000;
  static constexpr size_t kListItems = 100;        // materials, techniques, identifiers
  static constexpr size_t kListItemText = 200;
  static constexpr size_t kRestrictedBytes = 65536;
  static constexpr size_t kSourceLidoBytes = 1 << 20;  // 1 MiB
  static constexpr int kMinYear = -100000;
  static constexpr int kMaxYear = 2100;
};

// True for ids we accept from clients: 1-64 of [A-Za-z0-9._-], starting with
// an alphanumeric, other than kReservedArtifactId.
bool IsValidArtifactId(std::string_view id);
// `/artifacts/new` is the curator's create form, so no record may be "new".
inline constexpr std::string_view kReservedArtifactId = "new";

// Validates and converts an untrusted JSON object into an Artifact.
// Server-managed fields (version, created_*, updated_*, flags,
// provenance_warnings, provenance_footnotes) are accepted and ignored so that a
// client may send back what it read; `id` is taken when valid. Any other
// unknown top-level field is rejected. Errors: InvalidArgument naming the
// field ("date.earliest", "materials[2]").
// The provenance fields are copied as given; the provenance module parses
// and checks them (see provenance.h).
Result<Artifact> ArtifactFromJson(const nlohmann::json& in);

// Restores a record written by ArtifactToJson(a, true) from storage, server
// fields included. Corruption when the stored JSON is not such a record.
Result<Artifact> ArtifactFromStoredJson(const nlohmann::json& stored);

// Renders the record. When `include_restricted` is false the `restricted`
// case data is absent from the output (not merely empty).
nlohmann::json ArtifactToJson(const Artifact& a, bool include_restricted);

// ISO 3166-1 alpha-2 (officially assigned codes, plus XK), upper case only.
bool IsIsoCountryCode(std::string_view code);

}  // namespace custos::core
