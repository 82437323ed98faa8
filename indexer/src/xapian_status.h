// Translates Xapian exceptions into Status values; nothing Xapian throws
// leaves the indexer module.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "custos/core/status.h"

namespace custos::indexer {

inline core::Status FromXapian(const Xapian::Error& e, const std::string& what) {
  std::string msg = what + ": " + e.get_description();
  // Xapian::Error is not polymorphic: dispatch on its type name.
  const std::string_view type = e.get_type();
  if (type == "DatabaseLockError") {
    return core::Status::Unavailable(msg + " (another process is writing the index)");
  }
  if (type == "DatabaseModifiedError") {
    return core::Status::Unavailable(msg + " (the index is being rewritten: retry)");
  }
  if (type == "DatabaseCorruptError" || type == "DatabaseVersionError") {
    return core::Status::Corruption(msg + " (rebuild it with custos reindex)");
  }
  if (type == "QueryParserError" || type == "WildcardError" || type == "InvalidArgumentError") {
    return core::Status::InvalidArgument(msg, "q");
  }
  return core::Status::IOError(msg);
}

}  // namespace custos::indexer
