#include "custody_bundle.h"

#include "app.h"

namespace custos::web {


}  // namespace custos::web
