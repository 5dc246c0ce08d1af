// The app's commands on a tab's current call (getCall().Answer(), Hangup(), Hold() ...),
// incoming or placed by the tab (place_call, the caller role), the BroadcastChannel's
// session events, and what the app sees of its call.

#include <algorithm>
#include <string>

#include "engine/phone/tab_state.hpp"

namespace ringstorm::phone {

namespace {

// "not_ringing" -> "not ringing": what a script reports for a refused command.
std::string readable(std::string_view kind) {
    std::string out(kind);
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

}  // namespace

std::string tab_state::command(call_command what, core::time_point due, char digit) {
    if (aborted) {
        return "tab closed";
    }
    const auto now = core::clock::now();
    const auto episode = current_episode();
    if (!episode) {
        if (!zombie) {
            return "no call";
        }
        // The 2.0.5 zombie: Hangup() finds no transport and sends nothing; the app then
        // drops the call. Mute touches the local track only.
        switch (what) {
            case call_command::hangup:
                zombie.reset();
                return {};
            case call_command::mute:
            case call_command::unmute:
                return {};
            default:
                return "call lost with the WebSocket";
        }
    }
    live_call& c = *find_call(*episode);
    call_actions out;
    switch (what) {
        case call_command::answer:
        case call_command::reject:
            // Our own outgoing call: only the far end answers or refuses it.
            if (!c.incoming) {
                return "not an incoming call";
            }
            out = what == call_command::answer ? c.incoming->answer(due, now)
                                               : c.incoming->reject(now);
            break;
        case call_command::hangup:
            // Outgoing: CANCEL while calling or ringing, BYE once connected.
            out = c.visit([&](auto& m) { return m.hangup(due, now); });
            break;
        case call_command::hold:
            out = c.visit([&](auto& m) { return m.hold(due, now); });
            break;
        case call_command::unhold:
            out = c.visit([&](auto& m) { return m.unhold(due, now); });
            break;
        case call_command::mute:
            // A disabled track: the stream sends encoded silence (no signalling).
            c.visit([](auto& m) { m.mute(); });
            sync_media(c, now);
            return {};
        case call_command::unmute:
            c.visit([](auto& m) { m.unmute(); });
            sync_media(c, now);
            return {};
        case call_command::dtmf:
            out = c.visit([&](auto& m) { return m.dtmf(digit, now); });
            break;
    }
    return readable(perform_call(*episode, std::move(out), now, nullptr));
}

std::string tab::answer(core::time_point due) {
    return impl_->state->command(call_command::answer, due, 0);
}
std::string tab::reject(core::time_point due) {
    return impl_->state->command(call_command::reject, due, 0);
}
std::string tab::hangup(core::time_point due) {
    return impl_->state->command(call_command::hangup, due, 0);
}
std::string tab::hold(core::time_point due) {
    return impl_->state->command(call_command::hold, due, 0);
}
std::string tab::unhold(core::time_point due) {
    return impl_->state->command(call_command::unhold, due, 0);
}
std::string tab::mute() {
    return impl_->state->command(call_command::mute, core::clock::now(), 0);
}
std::string tab::unmute() {
    return impl_->state->command(call_command::unmute, core::clock::now(), 0);
}
std::string tab::dtmf(char digit, core::time_point due) {
    return impl_->state->command(call_command::dtmf, due, digit);
}

std::string tab::place_call(std::string_view to, core::time_point due) {
    return impl_->state->place_call(to, due);
}

void tab::set_forked(bool forked) noexcept {
    impl_->state->forked = forked;
}

void tab::session_event(std::string_view name, core::time_point at) {
    auto& s = *impl_->state;
    auto& events = s.machine.records().events;
    events.push_back({at, scenario::callback_kind::session_event, name, no_call});
    const recorded_event event = events.back();
    if (s.listener && s.owner && !s.aborted) {
        s.listener->on_event(*this, event);
    }
}

const call_episode* tab::current_call() const noexcept {
    const auto& s = *impl_->state;
    if (auto episode = s.current_episode()) {
        return &history().calls[*episode];
    }
    if (s.zombie) {
        return &history().calls[*s.zombie];
    }
    return nullptr;
}

bool tab::in_call() const noexcept {
    return impl_->state->app_sees_a_call();
}

}  // namespace ringstorm::phone
