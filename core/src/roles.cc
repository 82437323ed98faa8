#include "custos/core/roles.h"

namespace custos::core {

std::string_view ToString(Role r) {
  switch (r) {
    case Role::kAnonymous: return "anonymous";
    case Role::kVerifier: return "verifier";
    case Role::kInvestigator: return "investigator";
    case Role::kCurator: return "curator";
    case Role::kAdmin: return "admin";
  }
  return "anonymous";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "curator") return Role::kCurator;
  if (s == "investigator") return Role::kInvestigator;
  if (s == "verifier") return Role::kVerifier;
  return std::nullopt;
}

}  // namespace custos::core
