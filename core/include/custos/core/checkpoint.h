// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed head of
// a transparency log. The note text is exactly
//
//   <origin> "\n" <size, decimal, no leading zeros> "\n" base64(root, 32 bytes) "\n"
//   [<extension line> "\n"]...
//
// and the whole is a C2SP signed note (see signed_note.h) signed by the log
// key, whose name should equal the origin. Pure values and functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/signed_note.h"
#include "custos/core/status.h"

namespace custos::core {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  std::string root_hash;                // 32 raw bytes
  std::vector<std::string> extensions;  // non-empty lines, opaque
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text above. InvalidArgument (naming the field) for an empty
// origin, a root that is not 32 bytes, an empty extension line, or any line
// with a newline or control character.
Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint);

// Parses a checkpoint note text (with its final "\n"). InvalidArgument on any
// deviation from the format: fewer than three lines, an empty line, a size
// with a leading zero or sign or beyond uint64, a root that is not the
// canonical base64 of 32 bytes.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// Formats and signs `checkpoint` with every signer (the log key first; others,
// such as a rotated-in key, may follow).
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   std::span<const NoteSigner> signers);

// Opens a signed checkpoint note against the trusted log keys (OpenNote rules
// and Status codes), then parses its text. When `expected_origin` is not empty
// the origin must equal it (Unauthorized otherwise).
Result<Checkpoint> OpenCheckpoint(std::string_view note, std::span<const NoteVerifier> log_keys,
                                  std::string_view expected_origin = {});

}  // namespace custos::core
