#include "common/error.h"

namespace flern {

const char* sqlStateCode(SqlState state) {
  switch (state) {
#define FLERN_SQLSTATE(name, code)                                                                 \
  case SqlState::name:                                                                             \
    return code;
#include "common/sqlstate.def"
#undef FLERN_SQLSTATE
  }
  return "XX000";
}

void internalError(const std::string& what) {
  throw Error(SqlState::InternalError, what);
}

} // namespace flern
