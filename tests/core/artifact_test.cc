#include "custos/core/artifact.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

using nlohmann::json;

json Minimal() { return {{"title", "Bronze figurine"}, {"object_type", "figurine"}}; }

json With(const std::string& key, json value) {
  json j = Minimal();
  j[key] = std::move(value);
  return j;
}

json Without(const std::string& key) {
  json j = Minimal();
  j.erase(key);
  return j;
}

struct Case {
  const char* name;
  json input;
  const char* field;  // the field the error names
};

// One case per rule.
TEST(ArtifactValidationTest, RejectsEachRuleNamingTheField) {
  const std::string long_title(ArtifactLimits::kShortText + 1, 'x');
  json too_many = json::array();
  for (size_t i = 0; i <= ArtifactLimits::kListItems; ++i) too_many.push_back("m");
  const Case cases[] = {
      {"not an object", json::array(), "record"},
      {"title missing", Without("title"), "title"},
      {"title blank", With("title", "   "), "title"},
      {"title wrong type", With("title", 5), "title"},
      {"title too long", With("title", long_title), "title"},
      {"object_type missing", Without("object_type"), "object_type"},
      {"unknown field", With("colour", "red"), "colour"},
      {"status enum", With("status", "lost"), "status"},
      {"visibility enum", With("visibility", "secret"), "visibility"},
      {"country not ISO", With("country_of_origin", "XX"), "country_of_origin"},
      {"country lower case", With("country_of_origin", "iq"), "country_of_origin"},
      {"country alpha-3", With("country_of_origin", "IRQ"), "country_of_origin"},
      {"earliest after latest", With("date", {{"earliest", 1900}, {"latest", 1800}}),
       "date.earliest"},
      {"year not integer", With("date", {{"earliest", "1900"}}), "date.earliest"},
      {"year fractional", With("date", {{"latest", 1900.5}}), "date.latest"},
      {"year out of range", With("date", {{"latest", 3000}}), "date.latest"},
      {"date unknown key", With("date", {{"circa", true}}), "date.circa"},
      {"materials not array", With("materials", "bronze"), "materials"},
      {"materials item type", With("materials", {"bronze", 3}), "materials[1]"},
      {"materials empty item", With("materials", {""}), "materials[0]"},
      {"materials too many", With("materials", too_many), "materials"},
      {"identifiers not objects", With("identifiers", {"INV 1"}), "identifiers[0]"},
      {"identifier missing value", With("identifiers", {{{"type", "inventory_number"}}}),
       "identifiers[0].value"},
      {"identifier unknown key",
       With("identifiers", {{{"type", "a"}, {"value", "b"}, {"note", "c"}}}),
       "identifiers[0].note"},
      {"restricted not object", With("restricted", "case 12"), "restricted"},
      {"provenance not array", With("provenance", "text"), "provenance"},
      {"id bad characters", With("id", "../etc"), "id"},
      {"id reserved for the create page", With("id", "new"), "id"},
      {"language not ISO 639-1", With("language", "english"), "language"},
  };
  for (const Case& c : cases) {
    auto r = ArtifactFromJson(c.input);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(r.status().field(), c.field) << c.name << ": " << r.status().ToString();
  }
}

TEST(ArtifactValidationTest, AcceptsAFullRecordWithBceDates) {
  json in = {{"id", "IQ-1931.4"},
             {"visibility", "restricted"},
             {"status", "seized"},
             {"object_type", "cylinder seal"},
             {"title", "Cylinder seal with presentation scene"},
             {"materials", {"lapis lazuli"}},
             {"date", {{"display", "c. 2100 BCE"}, {"earliest", -2150}, {"latest", -2050}}},
             {"country_of_origin", "IQ"},
             {"identifiers", {{{"type", "inventory_number"}, {"value", "INV 1931.4/22"}}}},
             {"restricted", {{"case_number", "HSI-2019-0042"}}},
             // Fields a client sends back from a read are accepted and ignored.
             {"version", 7},
             {"flags", json::array()}};
  auto r = ArtifactFromJson(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "IQ-1931.4");
  EXPECT_EQ(r->visibility, Visibility::kRestricted);
  EXPECT_EQ(r->status, ArtifactStatus::kSeized);
  EXPECT_EQ(r->date.earliest, -2150);
  EXPECT_EQ(r->version, 0);  // ignored
  EXPECT_EQ(r->identifiers.at(0).value, "INV 1931.4/22");
}

TEST(ArtifactValidationTest, RestrictedDataIsAbsentForLowerRoles) {
  auto r = ArtifactFromJson(With("restricted", {{"informant", "X"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(ArtifactToJson(*r, false).contains("restricted"));
  EXPECT_EQ(ArtifactToJson(*r, true)["restricted"]["informant"], "X");
}

TEST(ArtifactValidationTest, StoredJsonRoundTripsEveryField) {
  auto r = ArtifactFromJson({{"title", "Stele"},
                             {"object_type", "stele"},
                             {"materials", {"basalt"}},
                             {"date", {{"earliest", -800}, {"latest", -700}}},
                             {"restricted", {{"k", "v"}}}});
  ASSERT_TRUE(r.ok());
  Artifact a = *r;
  a.id = "x1";
  a.version = 3;
  a.created_at = "2026-01-01T00:00:00.000Z";
  a.updated_by = "curator1";
  a.flags = json::array({{{"rule", "gap"}}});
  auto back = ArtifactFromStoredJson(ArtifactToJson(a, true));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, a);
}

TEST(ArtifactValidationTest, CountryCodesAreTheIsoList) {
  for (const char* ok : {"IQ", "IT", "GR", "EG", "US", "XK", "SS"}) EXPECT_TRUE(IsIsoCountryCode(ok));
  for (const char* bad : {"", "UK", "EU", "ZZ", "iq", "I"}) EXPECT_FALSE(IsIsoCountryCode(bad));
}

}  // namespace
}  // namespace custos::core
