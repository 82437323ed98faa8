// custos bag validate PATH: BagIt (RFC 8493 / 0.97) validation of a bag
// directory. Exit 0 when valid (warnings printed), 1 when invalid (each reason
// on stderr), 2 on usage error.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/bagit.h"

namespace custos::tools {
namespace {

constexpr const char* kUsage = R"(usage: custos bag validate [--quiet] PATH

Validates the BagIt bag in directory PATH: bagit.txt, payload and tag
manifests (md5, sha1, sha224, sha256, sha384, sha512), completeness, fetch.txt
and Payload-Oxum. Exit 0 when valid (warnings on stderr), 1 when not.
)";

}  // namespace

int RunBag(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {}, {"help", "quiet"});
  if (!args.ok()) {
    std::cerr << "custos bag: " << args.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args->positional.size() != 2 || args->positional[0] != "validate") {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& path = args->positional[1];
  auto r = archive::ValidateBag(path);
  if (!r.ok()) {
    std::cerr << "custos bag: " << r.status().ToString() << "\n";
    return 1;
  }
  for (const auto& w : r->warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : r->errors) std::cerr << "invalid: " << e << "\n";
  if (!args->Has("quiet")) {
    std::cout << path << (r->valid ? " is a valid bag" : " is not a valid bag")
              << (r->version.empty() ? "" : " (BagIt " + r->version + ")") << "\n";
  }
  return r->valid ? 0 : 1;
}

}  // namespace custos::tools
