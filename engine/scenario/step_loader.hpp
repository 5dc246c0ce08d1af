#pragma once
// Internal to the loader: the call steps' argument readers (step_loader_calls.cpp), used
// by the step table in step_loader.cpp. Each reports its errors, located, into `diags`
// and returns nullopt when the step is unusable.

#include <optional>

#include "engine/scenario/load_context.hpp"
#include "engine/scenario/step.hpp"

namespace ringstorm::scenario::detail {

// An `expect` event as written: "registered" (a register event), "call:connected",
// "session:re-register". Unknown names get the closest known one and the valid list.
std::optional<event_name> read_event_name(sink& diags, const field& f);

std::optional<step_action> parse_wait_call(sink& diags, const field& args);
std::optional<step_action> parse_wait_end(sink& diags, const field& args);
std::optional<step_action> parse_dtmf(sink& diags, const field& args);
std::optional<step_action> parse_call(sink& diags, const field& args);
std::optional<step_action> parse_close_tab(sink& diags, const field& args);

}  // namespace ringstorm::scenario::detail
