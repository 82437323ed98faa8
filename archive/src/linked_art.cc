// Artifact -> Linked Art JSON-LD. See linked_art.h.
#include "custos/archive/linked_art.h"

#include <cstdio>

#include "custos/core/provenance.h"

namespace custos::archive {

using nlohmann::json;

namespace {

constexpr const char* kContext = "https://linked.art/ns/v1/linked-art.json";

json Aat(const char* id, const char* label) {
  return {
      {"id", std::string("http://vocab.getty.edu/aat/") + id}, {"type", "Type"}, {"_label", label}};
}

json Name(const std::string& content, bool primary) {
  json n = {{"type", "Name"}, {"content", content}};
  if (primary) n["classified_as"] = json::array({Aat("300404670", "Primary Name")});
  return n;
}

json Statement(const std::string& content, const char* aat, const char* label) {
  return {{"type", "LinguisticObject"},
          {"classified_as", json::array({Aat(aat, label)})},
          {"content", content}};
}

// A catalogue year (negative BCE, 0 read as 1 BCE) as an astronomical ISO year.
std::string IsoYear(int year) {
  int astro = year < 0 ? year + 1 : year;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%04d", astro < 0 ? "-" : "", astro < 0 ? -astro : astro);
  return buf;
}

bool MovesTitle(core::AcquisitionMethod m) {
  using M = core::AcquisitionMethod;
  switch (m) {
    case M::kLoan:
    case M::kDeposit:
    case M::kConsignment:
    case M::kSeizure:
    case M::kTheft:
    case M::kLooting:
    case M::kFind:
    case M::kExcavation:
      return false;
    default:
      return true;
  }
}

json Party(const json& party) {
  std::string name = party.is_object() ? party.value("name", "") : "";
  bool dealer = party.is_object() && party.value("is_dealer", false);
  json p = {{"type", dealer ? "Group" : "Person"}, {"_label", name.empty() ? "unknown" : name}};
  if (!name.empty()) p["identified_by"] = json::array({Name(name, true)});
  return p;
}

std::string Bound(const json& period, const char* key, bool end) {
  auto it = period.find(key);
  if (it == period.end() || !it->is_string()) return "";
  return DayToDateTime(it->get<std::string>(), end);
}

// The time span of a period from its four bounds; null when it has none.
json PeriodSpan(const json& period, bool start_only) {
  json span = {{"type", "TimeSpan"}};
  const std::string bb = Bound(period, "begin_of_the_begin", false);
  const std::string eb = Bound(period, "end_of_the_begin", true);
  const std::string be = Bound(period, "begin_of_the_end", false);
  const std::string ee = Bound(period, "end_of_the_end", true);
  if (!bb.empty()) span["begin_of_the_begin"] = bb;
  if (start_only) {
    if (!eb.empty()) span["end_of_the_end"] = eb;
  } else {
    if (!eb.empty()) span["end_of_the_begin"] = eb;
    if (!be.empty()) span["begin_of_the_end"] = be;
    if (!ee.empty()) span["end_of_the_end"] = ee;
  }
  std::string text = period.value("date_text", "");
  if (!text.empty() && !start_only) {
    span["identified_by"] = json::array({Name(text, false)});
  }
  return span.size() > 1 ? span : json();
}

}  // namespace

std::string DayToDateTime(const std::string& day, bool end_of_day) {
  // [-]YYYY-MM-DD with at least four year digits.
  size_t sign = !day.empty() && day[0] == '-' ? 1 : 0;
  if (day.size() < sign + 10) return "";
  size_t dash = day.find('-', sign);
  if (dash == std::string::npos || dash < sign + 4 || day.size() != dash + 6 ||
      day[dash + 3] != '-') {
    return "";
  }
  for (size_t i = sign; i < day.size(); ++i) {
    if (i != dash && i != dash + 3 && (day[i] < '0' || day[i] > '9')) return "";
  }
  return day + (end_of_day ? "T23:59:59Z" : "T00:00:00Z");
}

json ArtifactToLinkedArt(const core::Artifact& a, const std::string& object_uri) {
  json obj = {
      {"@context", kContext}, {"id", object_uri}, {"type", "HumanMadeObject"}, {"_label", a.title}};
  json classified = json::array();
  if (!a.object_type.empty()) {
    classified.push_back({{"type", "Type"},
                          {"_label", a.object_type},
                          {"classified_as", json::array({Aat("300435443", "Type of Work")})}});
  }
  obj["classified_as"] = classified;

  json identified = json::array();
  if (!a.title.empty()) identified.push_back(Name(a.title, true));
  identified.push_back({{"type", "Identifier"},
                        {"content", a.id},
                        {"classified_as", json::array({Aat("300404621", "Owner-Assigned Number")})},
                        {"_label", "custos record id"}});
  for (const auto& id : a.identifiers) {
    json i = {{"type", "Identifier"}, {"content", id.value}};
    if (id.type == "inventory_number" || id.type == "accession_number") {
      i["classified_as"] = json::array({Aat("300312355", "Accession Number")});
    } else {
      i["classified_as"] = json::array({{{"type", "Type"}, {"_label", id.type}}});
    }
    identified.push_back(std::move(i));
  }
  obj["identified_by"] = identified;

  json referred = json::array();
  if (!a.description.empty()) {
    referred.push_back(Statement(a.description, "300435416", "Description"));
  }
  if (!a.provenance_text.empty()) {
    referred.push_back(Statement(a.provenance_text, "300435438", "Provenance Statement"));
  }
  if (!a.inscriptions.empty()) {
    referred.push_back(Statement(a.inscriptions, "300435414", "Inscription"));
  }
  if (!a.measurements.empty()) {
    referred.push_back(Statement(a.measurements, "300435430", "Dimensions Statement"));
  }
  if (!a.distinguishing_features.empty()) {
    referred.push_back(Statement(a.distinguishing_features, "300435424", "Physical Description"));
  }
  if (!referred.empty()) obj["referred_to_by"] = referred;

  if (!a.materials.empty()) {
    json made_of = json::array();
    for (const auto& m : a.materials) made_of.push_back({{"type", "Material"}, {"_label", m}});
    obj["made_of"] = made_of;
  }
  if (!a.subject.empty()) {
    obj["represents"] = json::array({{{"type", "VisualItem"}, {"_label", a.subject}}});
  }

  json production = {{"type", "Production"}};
  if (!a.maker.empty()) {
    production["carried_out_by"] =
        json::array({{{"type", "Person"},
                      {"_label", a.maker},
                      {"identified_by", json::array({Name(a.maker, true)})}}});
  }
  if (!a.date.display.empty() || a.date.earliest || a.date.latest) {
    json span = {{"type", "TimeSpan"}};
    if (!a.date.display.empty()) span["identified_by"] = json::array({Name(a.date.display, false)});
    if (a.date.earliest || a.date.latest) {
      int e = a.date.earliest ? *a.date.earliest : *a.date.latest;
      int l = a.date.latest ? *a.date.latest : *a.date.earliest;
      span["begin_of_the_begin"] = IsoYear(e) + "-01-01T00:00:00Z";
      span["end_of_the_end"] = IsoYear(l) + "-12-31T23:59:59Z";
    }
    production["timespan"] = span;
  }
  if (!a.techniques.empty()) {
    json t = json::array();
    for (const auto& x : a.techniques) t.push_back({{"type", "Type"}, {"_label", x}});
    production["technique"] = t;
  }
  if (!a.culture.empty()) {
    production["influenced_by"] = json::array({{{"type", "Group"}, {"_label", a.culture}}});
  }
  if (!a.find_spot.empty() || !a.country_of_origin.empty()) {
    std::string place = a.find_spot.empty() ? a.country_of_origin : a.find_spot;
    production["took_place_at"] = json::array({{{"type", "Place"}, {"_label", place}}});
  }
  if (production.size() > 1) obj["produced_by"] = production;

  json activities = json::array();
  const json object_ref = {{"id", object_uri}, {"type", "HumanMadeObject"}, {"_label", a.title}};
  if (a.provenance.is_array()) {
    int n = 0;
    for (const json& period : a.provenance) {
      if (!period.is_object()) continue;
      ++n;
      json activity = {{"id", object_uri + "#provenance-" + std::to_string(n)},
                       {"type", "Activity"},
                       {"classified_as", json::array({Aat("300055863", "Provenance Activity")})},
                       {"_label", period.value("raw", "provenance period " + std::to_string(n))}};
      json span = PeriodSpan(period, false);
      if (!span.is_null()) activity["timespan"] = span;
      std::string place = period.value("place", "");
      if (!place.empty()) {
        activity["took_place_at"] = json::array({{{"type", "Place"}, {"_label", place}}});
      }
      const std::string method = period.value("method", "unknown");
      activity["referred_to_by"] =
          json::array({{{"type", "LinguisticObject"}, {"content", "method: " + method}}});
      auto m = core::AcquisitionMethodFromName(method);
      const json party = Party(period.value("party", json::object()));
      const json start = PeriodSpan(period, true);
      json parts = json::array();
      if (!m || MovesTitle(*m)) {
        json acq = {{"type", "Acquisition"},
                    {"_label", "Acquisition of title"},
                    {"transferred_title_of", json::array({object_ref})},
                    {"transferred_title_to", json::array({party})}};
        if (!start.is_null()) acq["timespan"] = start;
        parts.push_back(std::move(acq));
      }
      json custody = {{"type", "TransferOfCustody"},
                      {"_label", "Transfer of custody"},
                      {"transferred_custody_of", json::array({object_ref})},
                      {"transferred_custody_to", json::array({party})}};
      if (!start.is_null()) custody["timespan"] = start;
      parts.push_back(std::move(custody));
      activity["part"] = parts;
      activities.push_back(std::move(activity));
    }
  }
  if (!activities.empty()) obj["changed_ownership_through"] = activities;
  return obj;
}

}  // namespace custos::archive
