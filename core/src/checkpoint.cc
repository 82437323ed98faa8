#include "custos/core/checkpoint.h"

#include <charconv>

#include "custos/core/encoding.h"
#include "custos/core/merkle.h"

namespace custos::core {
namespace {

bool IsPlainLine(std::string_view line) {
  for (char c : line) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint) {
  if (checkpoint.origin.empty() || !IsPlainLine(checkpoint.origin)) {
    return Status::InvalidArgument("origin must be one non-empty line", "origin");
  }
  if (checkpoint.root_hash.size() != kMerkleHashSize) {
    return Status::InvalidArgument("root hash must be 32 bytes", "root_hash");
  }
  std::string text = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(checkpoint.root_hash) + "\n";
  for (const std::string& ext : checkpoint.extensions) {
    if (ext.empty() || !IsPlainLine(ext)) {
      return Status::InvalidArgument("extension lines must be non-empty single lines",
                                     "extensions");
    }
    text += ext + "\n";
  }
  return text;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("checkpoint text must end in newline");
  }
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return Status::InvalidArgument("checkpoint needs at least three lines");
  for (std::string_view line : lines) {
    if (line.empty()) return Status::InvalidArgument("checkpoint has an empty line");
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  if ((size.size() > 1 && size[0] == '0') ||
      size.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument("checkpoint size is not a canonical decimal");
  }
  auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), cp.size);
  if (ec != std::errc() || ptr != size.data() + size.size()) {
    return Status::InvalidArgument("checkpoint size out of range");
  }
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != kMerkleHashSize) {
    return Status::InvalidArgument("checkpoint root is not base64 of 32 bytes");
  }
  cp.root_hash = std::move(*root);
  for (size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   std::span<const NoteSigner> signers) {
  CUSTOS_ASSIGN_OR_RETURN(std::string text, FormatCheckpointText(checkpoint));
  return SignNote(text, signers);
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, std::span<const NoteVerifier> log_keys,
                                  std::string_view expected_origin) {
  CUSTOS_ASSIGN_OR_RETURN(Note opened, OpenNote(note, log_keys));
  CUSTOS_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointText(opened.text));
  if (!expected_origin.empty() && cp.origin != expected_origin) {
    return Status::Unauthorized("checkpoint origin '" + cp.origin + "' is not '" +
                                std::string(expected_origin) + "'");
  }
  return cp;
}

}  // namespace custos::core
