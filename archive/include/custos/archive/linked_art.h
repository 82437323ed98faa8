// Linked Art JSON-LD (https://linked.art, model 1.0) for an artifact: a
// HumanMadeObject with its names and identifiers, classification, materials,
// production (maker, culture, time span, techniques) and its provenance.
//
// Provenance: each structured provenance period becomes a provenance Activity
// (classified_as aat:300055863), embedded in the object's
// `changed_ownership_through`, whose `part`s are an Acquisition (title passes
// to the period's party) and/or a TransferOfCustody (custody passes), as the
// period's method implies: loans, deposits, consignments, seizures, thefts,
// lootings, finds and excavations move custody only; an unknown method is read
// as the museum convention (the party owned and held the object). The time
// span's begin_of_the_begin / end_of_the_begin / begin_of_the_end /
// end_of_the_end are the period's four date bounds ("YYYY-MM-DD" days become
// xsd:dateTime at the start or end of the day).
//
// Only public descriptive fields are written (never case data). Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "custos/core/artifact.h"

namespace custos::archive {

// `object_uri` is the object's id (the URL it is served at).
nlohmann::json ArtifactToLinkedArt(const core::Artifact& a, const std::string& object_uri);

// An ISO day "YYYY-MM-DD" (or "-0499-01-01") as an xsd:dateTime at the start
// (end_of_day false) or the end of that day; empty for anything else.
std::string DayToDateTime(const std::string& day, bool end_of_day);

}  // namespace custos::archive
