#include "custos/core/artifact_derive.h"

#include "custos/core/gap_rules.h"
#include "custos/core/provenance.h"

namespace custos::core {

Status DeriveArtifactFields(Artifact& a, const DeriveContext& context) {
  Provenance prov;
  const bool has_text = a.provenance_text.find_first_not_of(" \t\r\n") != std::string::npos;
  const bool has_periods = a.provenance.is_array() && !a.provenance.empty();
  std::vector<std::string> extra_warnings;
  if (has_text) {
    prov = ParseProvenance(a.provenance_text);
    if (has_periods) {
      auto given = ProvenanceFromJson(a.provenance);
      bool same = given.ok() && given->periods.size() == prov.periods.size();
      for (size_t i = 0; same && i < prov.periods.size(); ++i) {
        same = SamePeriod(given->periods[i], prov.periods[i]);
      }
      if (!same) {
        extra_warnings.push_back(
            "provenance_text and provenance[] disagree: the periods were re-read from the text "
            "(send only one of them to change provenance)");
      }
    }
  } else if (has_periods) {
    auto given = ProvenanceFromJson(a.provenance);
    if (!given.ok()) return given.status();
    prov = std::move(given).value();
    a.provenance_text = RenderProvenance(prov);
  } else {
    a.provenance_text.clear();
  }
  nlohmann::json j = ProvenanceToJson(prov);
  a.provenance = j.value("periods", nlohmann::json::array());
  a.provenance_footnotes = j.value("footnotes", nlohmann::json::array());
  a.provenance_warnings = j.value("warnings", nlohmann::json::array());
  for (auto& w : extra_warnings) a.provenance_warnings.push_back(w);

  GapContext ctx;
  ctx.object_type = a.object_type;
  ctx.country_of_origin = a.country_of_origin;
  ctx.date_earliest = a.date.earliest;
  ctx.date_latest = a.date.latest;
  ctx.has_export_licence = context.has_export_licence;
  a.flags = GapFlagsToJson(FindGaps(prov, ctx));
  return Status::Ok();
}

}  // namespace custos::core
