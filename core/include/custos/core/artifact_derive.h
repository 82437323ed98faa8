// The derived parts of an artifact record, computed on every save: the
// structured provenance from its text (or the text from the structure),
// footnotes, parser warnings and gap findings. Pure; thread-safe.
#pragma once

#include "custos/core/artifact.h"

namespace custos::core {

// What a save knows beyond the record itself.
struct DeriveContext {
  bool has_export_licence = false;  // an export_licence document is linked
};

// Fills the derived fields of `a` in place:
// - provenance_text given: it is parsed into provenance[] (text wins when
//   both are given and disagree, with a warning);
// - only provenance[] given: it is validated and rendered into the text;
// - flags[] from the gap rules (nazi_era, unesco_1970, gap, undated).
// InvalidArgument (naming the field, e.g. "provenance[2].end_of_the_end")
// when the structured provenance is malformed.
Status DeriveArtifactFields(Artifact& a, const DeriveContext& context = {});

}  // namespace custos::core
