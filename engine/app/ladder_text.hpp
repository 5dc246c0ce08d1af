#pragma once
// The SIP ladder of a failed tab as text for `failures/<phone>.txt`: who it is, why it
// failed, its callbacks and episodes, then every message kept, stamped with seconds
// since the run's start. What a person opens first when a verdict fails.

#include <string>
#include <string_view>

#include "engine/core/clock.hpp"
#include "engine/phone/timeline.hpp"

namespace ringstorm::app {

std::string render_ladder(std::string_view name, std::string_view reason,
                          const phone::timeline& history, const core::run_clock& clock);

}  // namespace ringstorm::app
