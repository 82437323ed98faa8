// BagIt (RFC 8493, and the 0.97 draft) bag validation on a directory.
//
// Checks: bagit.txt (exact "BagIt-Version: M.N" and
// "Tag-File-Character-Encoding" lines, no BOM); at least one payload manifest
// (md5, sha1, sha224, sha256, sha384, sha512); every manifest entry in scope
// (no absolute paths, "..", "~"), present (or listed in fetch.txt) and with the
// right digest; every payload file listed in every payload manifest; tag
// manifests; fetch.txt paths in scope; Payload-Oxum in bag-info.txt. Tag files
// may be UTF-8, ISO-8859-1 or UTF-16 as bagit.txt declares.
//
// Warnings (the bag stays valid): md5sum-style "*path", "./" prefixes, an
// entry listed twice with the same digest (an error from 1.0 on), entries that
// only differ from a file by case or Unicode normalization, missing special
// system files (.DS_Store, Thumbs.db), files still to fetch.
//
// Pure function of the directory; blocks on file I/O; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "custos/core/status.h"

namespace custos::archive {

using core::Result;
using core::Status;

struct BagValidation {
  bool valid = false;
  std::vector<std::string> errors;    // why it is invalid (empty when valid)
  std::vector<std::string> warnings;  // reported, not fatal
  std::string version;                // BagIt-Version as declared
};

// Validates the bag rooted at `dir`. IOError only when `dir` is not a readable
// directory; every problem with the bag itself is reported in the result.
Result<BagValidation> ValidateBag(const std::string& dir);

}  // namespace custos::archive
