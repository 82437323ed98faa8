// C2SP tlog-proof (https://c2sp.org/tlog-proof): an offline inclusion proof
// for one log entry, carrying the checkpoint it is relative to. Bytes:
//
//   "c2sp.org/tlog-proof@v1\n"
//   ["extra " base64(extra data) "\n"]          (optional, unauthenticated)
//   "index " <decimal, no leading zeros> "\n"
//   base64(hash) "\n"  ...                       (RFC 6962 inclusion path,
//                                                 leaf's sibling first)
//   "\n"
//   <signed checkpoint note, verbatim>
//
// Pure values and functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::core {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

struct TlogProof {
  std::optional<std::string> extra;  // raw bytes (base64 in the text)
  uint64_t index = 0;
  std::vector<std::string> hashes;  // 32 raw bytes each
  std::string checkpoint;           // the signed checkpoint note
  friend bool operator==(const TlogProof&, const TlogProof&) = default;
};

// InvalidArgument when a hash is not 32 bytes or the checkpoint is empty.
Result<std::string> FormatTlogProof(const TlogProof& proof);

// InvalidArgument on any deviation from the format above (the checkpoint is
// only split off, not parsed or verified).
Result<TlogProof> ParseTlogProof(std::string_view text);

}  // namespace custos::core
