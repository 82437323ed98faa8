// The derived parts of an artifact record, computed on every save: the
// structured provenance from its text (or the text from the structure),
// parser warnings, footnotes and gap findings. Pure; thread-safe.
#pragma once

#include "custos/core/artifact.h"

namespace custos::core {

// Fills the derived fields of `a` in place. InvalidArgument (naming the field)
// when the structured provenance given is malformed.
Status DeriveArtifactFields(Artifact& a);

}  // namespace custos::core
