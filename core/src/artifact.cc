#include "custos/core/artifact.h"

#include <array>
#include <set>

namespace custos::core {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kStatusNames = {
    "in_collection", "reported_stolen", "seized",  "under_investigation",
    "in_litigation", "repatriated",     "returned"};

// Fields a client may send back from a read; the server recomputes them.
const std::set<std::string, std::less<>>& ServerManagedFields() {
  static const std::set<std::string, std::less<>> k = {
      "version", "created_at", "updated_at", "created_by", "updated_by",
      "flags", "provenance_warnings", "provenance_footnotes"};
  return k;
}

// Code points in valid UTF-8 (the JSON parser has already rejected invalid).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

Status WrongType(const std::string& field, std::string_view want, const json& got) {
  return Status::InvalidArgument(
      field + " must be " + std::string(want) + ", not " + TypeName(got), field);
}

// Reads an optional string field. Absent or null leaves `out` empty.
Status ReadString(const json& in, const std::string& field, size_t max, std::string& out,
                  bool required = false) {
  auto it = in.find(field);
  if (it == in.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(field + " is required", field);
    return Status::Ok();
  }
  if (!it->is_string()) return WrongType(field, "a string", *it);
  const auto& s = it->get_ref<const std::string&>();
  if (CodePoints(s) > max) {
    return Status::InvalidArgument(
        field + " is longer than " + std::to_string(max) + " characters", field);
  }
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument(field + " must not be empty", field);
  }
  out = s;
  return Status::Ok();
}

Status ReadStringList(const json& in, const std::string& field, std::vector<std::string>& out) {
  auto it = in.find(field);
  if (it == in.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return WrongType(field, "an array of strings", *it);
  if (it->size() > ArtifactLimits::kListItems) {
    return Status::InvalidArgument(
        field + " has more than " + std::to_string(ArtifactLimits::kListItems) + " items", field);
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    std::string name = field + "[" + std::to_string(i) + "]";
    if (!v.is_string()) return WrongType(name, "a string", v);
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || CodePoints(s) > ArtifactLimits::kListItemText) {
      return Status::InvalidArgument(
          name + " must be 1 to " + std::to_string(ArtifactLimits::kListItemText) + " characters",
          name);
    }
    out.push_back(s);
  }
  return Status::Ok();
}

Status ReadYear(const json& obj, const std::string& key, const std::string& field,
                std::optional<int>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) return WrongType(field, "an integer year", *it);
  int64_t y = it->get<int64_t>();
  if (y < ArtifactLimits::kMinYear || y > ArtifactLimits::kMaxYear) {
    return Status::InvalidArgument(field + " must be a year between " +
                                       std::to_string(ArtifactLimits::kMinYear) + " and " +
                                       std::to_string(ArtifactLimits::kMaxYear),
                                   field);
  }
  out = static_cast<int>(y);
  return Status::Ok();
}

Status ReadDate(const json& in, ArtifactDate& out) {
  auto it = in.find("date");
  if (it == in.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return WrongType("date", "an object", *it);
  for (const auto& [k, v] : it->items()) {
    if (k != "display" && k != "earliest" && k != "latest") {
      return Status::InvalidArgument("date." + k + " is not a known field", "date." + k);
    }
  }
  CUSTOS_RETURN_IF_ERROR(ReadString(*it, "display", ArtifactLimits::kShortText, out.display));
  CUSTOS_RETURN_IF_ERROR(ReadYear(*it, "earliest", "date.earliest", out.earliest));
  CUSTOS_RETURN_IF_ERROR(ReadYear(*it, "latest", "date.latest", out.latest));
  if (out.earliest && out.latest && *out.earliest > *out.latest) {
    return Status::InvalidArgument("date.earliest must not be after date.latest", "date.earliest");
  }
  return Status::Ok();
}

Status ReadIdentifiers(const json& in, std::vector<Identifier>& out) {
  auto it = in.find("identifiers");
  if (it == in.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return WrongType("identifiers", "an array", *it);
  if (it->size() > ArtifactLimits::kListItems) {
    return Status::InvalidArgument("identifiers has more than " +
                                       std::to_string(ArtifactLimits::kListItems) + " items",
                                   "identifiers");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    std::string name = "identifiers[" + std::to_string(i) + "]";
    if (!v.is_object()) return WrongType(name, "an object with type and value", v);
    for (const auto& [k, _] : v.items()) {
      if (k != "type" && k != "value") {
        return Status::InvalidArgument(name + "." + k + " is not a known field", name + "." + k);
      }
    }
    Identifier id;
    CUSTOS_RETURN_IF_ERROR(
        ReadString(v, "type", ArtifactLimits::kListItemText, id.type, /*required=*/true));
    // ReadString names the inner key; qualify it with the array position.
    Status s = ReadString(v, "value", ArtifactLimits::kListItemText, id.value, true);
    if (!s.ok()) return Status::InvalidArgument(name + ".value: " + s.message(), name + ".value");
    out.push_back(std::move(id));
  }
  return Status::Ok();
}

size_t JsonDepth(const json& v) {
  if (!v.is_structured()) return 0;
  size_t d = 0;
  for (const auto& e : v) d = std::max(d, JsonDepth(e));
  return d + 1;
}

}  // namespace

std::string_view ToString(Visibility v) {
  return v == Visibility::kPublic ? "public" : "restricted";
}

std::string_view ToString(ArtifactStatus s) { return kStatusNames[static_cast<size_t>(s)]; }

std::optional<Visibility> ParseVisibility(std::string_view s) {
  if (s == "public") return Visibility::kPublic;
  if (s == "restricted") return Visibility::kRestricted;
  return std::nullopt;
}

std::optional<ArtifactStatus> ParseArtifactStatus(std::string_view s) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<ArtifactStatus>(i);
  }
  return std::nullopt;
}

const std::vector<std::string_view>& AllArtifactStatuses() {
  static const std::vector<std::string_view> k(kStatusNames.begin(), kStatusNames.end());
  return k;
}

bool IsValidArtifactId(std::string_view id) {
  if (id.empty() || id.size() > ArtifactLimits::kIdMax) return false;
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  if (!alnum(id[0])) return false;
  if (id == kReservedArtifactId) return false;  // the page /artifacts/new
  for (char c : id) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<Artifact> ArtifactFromJson(const json& in) {
  if (!in.is_object()) return WrongType("record", "a JSON object", in);
  static const std::set<std::string, std::less<>> kKnown = {
      "id", "visibility", "status", "object_type", "title", "materials", "techniques",
      "measurements", "inscriptions", "distinguishing_features", "subject", "date", "maker",
      "culture", "country_of_origin", "find_spot", "description", "language", "identifiers",
      "provenance_text", "provenance", "restricted", "source_lido"};
  for (const auto& [k, _] : in.items()) {
    if (!kKnown.contains(k) && !ServerManagedFields().contains(k)) {
      return Status::InvalidArgument(k + " is not a known field", k);
    }
  }

  Artifact a;
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "id", ArtifactLimits::kIdMax, a.id));
  if (!a.id.empty() && !IsValidArtifactId(a.id)) {
    return Status::InvalidArgument(
        "id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, "
        "and not \"new\"",
        "id");
  }

  std::string s;
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "visibility", 32, s));
  if (!s.empty()) {
    auto v = ParseVisibility(s);
    if (!v) return Status::InvalidArgument("visibility must be public or restricted", "visibility");
    a.visibility = *v;
  }
  s.clear();
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "status", 64, s));
  if (!s.empty()) {
    auto st = ParseArtifactStatus(s);
    if (!st) {
      std::string all;
      for (auto n : kStatusNames) all += (all.empty() ? "" : ", ") + std::string(n);
      return Status::InvalidArgument("status must be one of " + all, "status");
    }
    a.status = *st;
  }

  constexpr size_t kShort = ArtifactLimits::kShortText;
  constexpr size_t kLong = ArtifactLimits::kLongText;
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "title", kShort, a.title, /*required=*/true));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "object_type", kShort, a.object_type, true));
  CUSTOS_RETURN_IF_ERROR(ReadStringList(in, "materials", a.materials));
  CUSTOS_RETURN_IF_ERROR(ReadStringList(in, "techniques", a.techniques));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "measurements", kShort, a.measurements));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "inscriptions", kLong, a.inscriptions));
  CUSTOS_RETURN_IF_ERROR(
      ReadString(in, "distinguishing_features", kLong, a.distinguishing_features));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "subject", kShort, a.subject));
  CUSTOS_RETURN_IF_ERROR(ReadDate(in, a.date));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "maker", kShort, a.maker));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "culture", kShort, a.culture));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "country_of_origin", 8, a.country_of_origin));
  if (!a.country_of_origin.empty() && !IsIsoCountryCode(a.country_of_origin)) {
    return Status::InvalidArgument(
        "country_of_origin must be an ISO 3166-1 alpha-2 code such as IQ or IT", "country_of_origin");
  }
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "find_spot", kShort, a.find_spot));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "description", kLong, a.description));
  CUSTOS_RETURN_IF_ERROR(ReadString(in, "language", 8, a.language));
  if (!a.language.empty() &&
      !(a.language.size() == 2 && std::islower(static_cast<unsigned char>(a.language[0])) &&
        std::islower(static_cast<unsigned char>(a.language[1])))) {
    return Status::InvalidArgument("language must be an ISO 639-1 code such as en or it",
                                   "language");
  }
  CUSTOS_RETURN_IF_ERROR(ReadIdentifiers(in, a.identifiers));
  CUSTOS_RETURN_IF_ERROR(
      ReadString(in, "provenance_text", ArtifactLimits::kProvenanceText, a.provenance_text));

  if (auto it = in.find("provenance"); it != in.end() && !it->is_null()) {
    if (!it->is_array()) return WrongType("provenance", "an array of periods", *it);
    a.provenance = *it;
  }
  if (auto it = in.find("source_lido"); it != in.end() && !it->is_null()) {
    if (!it->is_string()) return WrongType("source_lido", "a string", *it);
    if (it->get_ref<const std::string&>().size() > ArtifactLimits::kSourceLidoBytes) {
      return Status::InvalidArgument("source_lido is larger than 1 MiB", "source_lido");
    }
    a.source_lido = it->get<std::string>();
  }
  if (auto it = in.find("restricted"); it != in.end() && !it->is_null()) {
    if (!it->is_object()) return WrongType("restricted", "an object", *it);
    if (it->dump().size() > ArtifactLimits::kRestrictedBytes) {
      return Status::InvalidArgument("restricted is larger than 64 KiB", "restricted");
    }
    if (JsonDepth(*it) > 8) {
      return Status::InvalidArgument("restricted is nested more than 8 levels deep", "restricted");
    }
    a.restricted = *it;
  }
  return a;
}

Result<Artifact> ArtifactFromStoredJson(const json& stored) {
  auto r = ArtifactFromJson(stored);
  if (!r.ok()) return Status::Corruption("stored record does not parse: " + r.status().ToString());
  Artifact a = std::move(r).value();
  try {
    a.version = stored.at("version").get<int64_t>();
    a.created_at = stored.value("created_at", "");
    a.updated_at = stored.value("updated_at", "");
    a.created_by = stored.value("created_by", "");
    a.updated_by = stored.value("updated_by", "");
    a.flags = stored.value("flags", json::array());
    a.provenance_footnotes = stored.value("provenance_footnotes", json::array());
    a.provenance_warnings = stored.value("provenance_warnings", json::array());
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("stored record is missing server fields: ") + e.what());
  }
  return a;
}

json ArtifactToJson(const Artifact& a, bool include_restricted) {
  json j = json::object();
  j["id"] = a.id;
  j["version"] = a.version;
  j["visibility"] = ToString(a.visibility);
  j["status"] = ToString(a.status);
  j["object_type"] = a.object_type;
  j["title"] = a.title;
  j["materials"] = a.materials;
  j["techniques"] = a.techniques;
  j["measurements"] = a.measurements;
  j["inscriptions"] = a.inscriptions;
  j["distinguishing_features"] = a.distinguishing_features;
  j["subject"] = a.subject;
  json date = {{"display", a.date.display}};
  date["earliest"] = a.date.earliest ? json(*a.date.earliest) : json(nullptr);
  date["latest"] = a.date.latest ? json(*a.date.latest) : json(nullptr);
  j["date"] = std::move(date);
  j["maker"] = a.maker;
  j["culture"] = a.culture;
  j["country_of_origin"] = a.country_of_origin;
  j["find_spot"] = a.find_spot;
  j["description"] = a.description;
  j["language"] = a.language;
  json ids = json::array();
  for (const auto& id : a.identifiers) ids.push_back({{"type", id.type}, {"value", id.value}});
  j["identifiers"] = std::move(ids);
  j["provenance_text"] = a.provenance_text;
  j["provenance"] = a.provenance;
  j["provenance_footnotes"] = a.provenance_footnotes;
  j["provenance_warnings"] = a.provenance_warnings;
  j["flags"] = a.flags;
  if (include_restricted) j["restricted"] = a.restricted;
  // Only imported records carry it; native records keep their JSON unchanged.
  if (!a.source_lido.empty()) j["source_lido"] = a.source_lido;
  j["created_at"] = a.created_at;
  j["updated_at"] = a.updated_at;
  j["created_by"] = a.created_by;
  j["updated_by"] = a.updated_by;
  return j;
}

}  // namespace custos::core
