// Who is asking: roles and the permissions that follow from them.
//
// Roles, from most to least powerful:
//   admin        everything, including users and tokens
//   curator      create and edit records, documents and custody entries
//   investigator read everything, restricted records and case data included;
//                add custody entries
//   verifier     a foreign government: public records, bundles and the log
//   anonymous    public records and public fields only
// Pure functions over values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace custos::core {

enum class Role { kAnonymous, kVerifier, kInvestigator, kCurator, kAdmin };

std::string_view ToString(Role r);
// Parses a role a user can be given ("anonymous" is not one).
std::optional<Role> ParseRole(std::string_view s);

struct Principal {
  std::string user;  // empty for anonymous
  Role role = Role::kAnonymous;
  bool authenticated() const { return role != Role::kAnonymous; }
};

// Restricted records and the `restricted` case data.
inline bool CanSeeRestricted(Role r) { return r == Role::kInvestigator || r == Role::kAdmin; }
inline bool CanWriteRecords(Role r) { return r == Role::kCurator || r == Role::kAdmin; }
inline bool CanAppendCustody(Role r) {
  return r == Role::kCurator || r == Role::kInvestigator || r == Role::kAdmin;
}
inline bool CanManageUsers(Role r) { return r == Role::kAdmin; }

}  // namespace custos::core
