// custos user: add, list, token, password, disable, enable.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/data_dir.h"

namespace custos::tools {
namespace {

constexpr const char* kUsage = R"(usage:
  custos user add NAME --role admin|curator|investigator|verifier [--data DIR]
      adds a user and prints its API token (the last line of output)
  custos user list [--data DIR]
  custos user token NAME [--data DIR]      issues a new API token (last line)
  custos user password NAME [--data DIR]   sets a new random browser password and prints it
  custos user revoke NAME [--data DIR]     revokes every token of the user
  custos user disable NAME [--data DIR]    the user's tokens and password stop working
  custos user enable NAME [--data DIR]
)";

int Fail(const core::Status& s) {
  std::cerr << "custos user: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int RunUser(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {"data", "role"}, {"help"});
  if (!args.ok()) {
    std::cerr << "custos user: " << args.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  const auto& pos = args->positional;
  if (pos.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& verb = pos[0];
  bool needs_name = verb != "list";
  if ((needs_name && pos.size() != 2) || (!needs_name && pos.size() != 1)) {
    std::cerr << kUsage;
    return 2;
  }
  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) return Fail(archive.status());
  auto& users = (*archive)->users();

  if (verb == "add") {
    auto role = core::ParseRole(args->Get("role"));
    if (!role) {
      std::cerr << "custos user add: --role must be admin, curator, investigator or verifier\n";
      return 2;
    }
    if (auto st = users.AddUser(pos[1], *role); !st.ok()) return Fail(st);
    auto token = users.IssueToken(pos[1]);
    if (!token.ok()) return Fail(token.status());
    std::cout << "added " << pos[1] << " (" << core::ToString(*role)
              << "); API token, shown once:\n"
              << *token << std::endl;
    return 0;
  }
  if (verb == "list") {
    auto list = users.ListUsers();
    if (!list.ok()) return Fail(list.status());
    std::cout << "NAME\tROLE\tSTATUS\tTOKENS\tPASSWORD\tCREATED\n";
    for (const auto& u : *list) {
      std::cout << u.name << "\t" << core::ToString(u.role) << "\t"
                << (u.disabled ? "disabled" : "active") << "\t" << u.tokens << "\t"
                << (u.has_password ? "set" : "-") << "\t" << u.created_at << "\n";
    }
    return 0;
  }
  if (verb == "token") {
    auto token = users.IssueToken(pos[1]);
    if (!token.ok()) return Fail(token.status());
    std::cout << "new API token for " << pos[1] << ", shown once:\n" << *token << std::endl;
    return 0;
  }
  if (verb == "password") {
    std::string password = archive::NewRandomPassword();
    if (auto st = users.SetPassword(pos[1], password); !st.ok()) return Fail(st);
    std::cout << "new browser password for " << pos[1] << ", shown once:\n"
              << password << std::endl;
    return 0;
  }
  if (verb == "revoke") {
    if (auto st = users.RevokeTokens(pos[1]); !st.ok()) return Fail(st);
    std::cout << "revoked every token of " << pos[1] << "\n";
    return 0;
  }
  if (verb == "disable" || verb == "enable") {
    if (auto st = users.SetDisabled(pos[1], verb == "disable"); !st.ok()) return Fail(st);
    std::cout << verb << "d " << pos[1] << "\n";
    return 0;
  }
  std::cerr << "custos user: unknown action '" << verb << "'\n" << kUsage;
  return 2;
}

}  // namespace custos::tools
