// The log's signing keys in DATA/keys:
//
//   origin                the log's origin line (and key name), e.g. "custos.local/log"
//   log.key               active Ed25519 private key, PEM PKCS#8, mode 0600
//   log.vkey              its C2SP verifier key: name+keyid+base64(0x01||pub)
//   previous.key/.vkey    during a rotation: the old key, which still co-signs
//                         checkpoints so verifiers pinned to it keep working
//   retired.vkeys         verifier keys of earlier log keys, one per line:
//                         still valid for the entries they signed
//
// Rotation: `custos key rotate` (server stopped, or restarted after) moves the
// active key to previous.* and makes a new one; checkpoints are then signed by
// both. `custos key finish-rotation` retires the previous key.
// Immutable once loaded; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "custos/core/signed_note.h"
#include "custos/core/status.h"

namespace custos::archive {

class LogKeys {
 public:
  // Loads the keys, creating the origin and an active key on first use.
  // IOError, Corruption (unreadable key files).
  static core::Result<LogKeys> LoadOrCreate(const std::string& keys_dir,
                                            const std::string& default_origin = "custos.local/log");

  // Moves the active key to previous.* and generates a new active key.
  // Conflict when a rotation is already under way.
  static core::Status Rotate(const std::string& keys_dir);
  // Retires previous.* (its verifier key is kept in retired.vkeys).
  static core::Status FinishRotation(const std::string& keys_dir);

  const std::string& origin() const { return origin_; }
  // Signers for checkpoints: the active key, then the previous during a rotation.
  const std::vector<core::NoteSigner>& checkpoint_signers() const { return signers_; }
  // The signer of new custody entries (the active key).
  const core::NoteSigner& entry_signer() const { return signers_.front(); }
  // Every verifier key this log has used, the active first.
  const std::vector<core::NoteVerifier>& verifiers() const { return verifiers_; }
  std::string active_vkey() const { return signers_.front().verifier().ToString(); }

 private:
  std::string origin_;
  std::vector<core::NoteSigner> signers_;
  std::vector<core::NoteVerifier> verifiers_;
};

}  // namespace custos::archive
