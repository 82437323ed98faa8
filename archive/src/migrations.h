// The schema, as an ordered list of migrations. Migration i (1-based) takes a
// file from user_version i-1 to i. Never edit a migration that has shipped:
// add a new one.
#pragma once

#include <string_view>
#include <vector>

namespace custos::archive {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;
};

const std::vector<Migration>& Migrations();

}  // namespace custos::archive
