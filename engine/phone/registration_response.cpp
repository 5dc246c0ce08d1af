// What the registration machine does with the final response to its REGISTER, and how
// each profile reports success and failure (sdk-callback-contract.md, "Expected
// sequences"). Every choice a table row leaves open is written down here.

#include <algorithm>
#include <limits>

#include "engine/phone/registration.hpp"
#include "engine/sip/headers.hpp"
#include "engine/sip/parser.hpp"
#include "engine/sip/transaction.hpp"

namespace ringstorm::phone {

namespace {

// Three answered challenges in one episode without success: give up (a server that
// keeps sending stale=true would otherwise loop for ever).
constexpr std::uint8_t max_challenges = 3;

bool iequal(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        return lower(x) == lower(y);
    });
}

std::string status_text(const sip::message& response) {
    return std::to_string(response.status()) + " " + std::string(response.reason());
}

core::registration_result result_of(episode_outcome o) noexcept {
    switch (o) {
        case episode_outcome::ok:
            return core::registration_result::ok;
        case episode_outcome::auth_failed:
            return core::registration_result::auth_failed;
        case episode_outcome::timeout:
            return core::registration_result::timeout;
        case episode_outcome::transport_error:
            return core::registration_result::transport_error;
        default:
            return core::registration_result::rejected;
    }
}

std::chrono::nanoseconds since(core::time_point due, core::time_point now) noexcept {
    return std::max(std::chrono::nanoseconds{0},
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now - due));
}

}  // namespace

void registration::on_response(sip::message response, core::time_point now, out_t& out) {
    const auto key = sip::client_key_of(response);
    if (!transaction_ || !key || key != sip::client_key_of(transaction_->request())) {
        out.push_back(protocol_error_action("stray_response"));
        note("stray response: matches no REGISTER in flight", false, now);
        return;
    }
    for (const auto& a : transaction_->on_response(std::move(response), now)) {
        if (a.kind == sip::action_kind::deliver && a.msg.status() >= 200) {
            on_final(a.msg, now, out);
            return;
        }
    }
}

void registration::on_final(const sip::message& response, core::time_point now, out_t& out) {
    const int status = response.status();
    current().final_status = static_cast<std::uint16_t>(status);
    if (status == 401 || status == 407) {
        on_challenge(response, now, out);
        return;
    }
    const bool is_2xx = status >= 200 && status < 300;
    if (current().kind == episode_kind::unregister) {
        const auto outcome = is_2xx          ? episode_outcome::ok
                             : status == 403 ? episode_outcome::auth_failed
                                             : episode_outcome::rejected;
        finish_unregister(outcome, is_2xx ? std::string{} : status_text(response), now, out);
        return;
    }
    if (is_2xx) {
        on_register_ok(response, now, out);
        return;
    }
    fail(status == 403 ? episode_outcome::auth_failed : episode_outcome::rejected,
         status_text(response), now, out);
}

void registration::on_challenge(const sip::message& response, core::time_point now, out_t& out) {
    auto& e = current();
    const auto decision = digest_.on_challenge(response, transaction_->request());
    fresh_challenge_ = true;
    episode_outcome failure = episode_outcome::pending;
    std::string detail = status_text(response);
    if (decision.action == sip::challenge_action::unusable) {
        failure = episode_outcome::rejected;
        detail += ": " + decision.error.to_string();
    } else if (decision.action == sip::challenge_action::refused && e.challenges > 0) {
        // Refused only counts once this episode answered a challenge itself: a refresh
        // pre-authorised with an old nonce is simply challenged anew.
        failure = episode_outcome::auth_failed;
        detail += " again after our credentials";
    } else if (e.challenges >= max_challenges) {
        failure = episode_outcome::auth_failed;
        detail += ": still challenged after " + std::to_string(max_challenges) + " answers";
    }
    if (failure != episode_outcome::pending) {
        if (e.kind == episode_kind::unregister) {
            finish_unregister(failure, std::move(detail), now, out);
        } else {
            fail(failure, std::move(detail), now, out);
        }
        return;
    }
    ++e.challenges;
    transaction_.reset();
    send_register(now, out);
}

void registration::on_register_ok(const sip::message& response, core::time_point now, out_t& out) {
    const auto lines = response.get_all(sip::header_id::contact);
    if (lines.empty()) {
        fail(episode_outcome::contact_missing, status_text(response) + " without Contact", now,
             out);
        return;
    }
    // RFC 3261 §10.2.4: the 2xx lists every current binding; ours is the one with our
    // Contact URI, its expires parameter (else the Expires header) is what was granted.
    constexpr std::uint32_t max_expiry = std::numeric_limits<std::int32_t>::max();
    bool ours = false;
    std::optional<std::uint32_t> expiry;
    for (auto line : lines) {
        auto entries = sip::parse_name_addr_list(line);
        if (!entries) {
            continue;
        }
        for (const auto& entry : *entries) {
            if (entry.wildcard || entry.uri.user != identity_.contact_user ||
                !iequal(entry.uri.host, identity_.host)) {
                continue;
            }
            ours = true;
            if (auto p = entry.params.get("expires")) {
                if (auto n = sip::parse_number(*p, max_expiry)) {
                    expiry = *n;
                }
            }
        }
    }
    if (!ours) {
        fail(episode_outcome::binding_missing,
             status_text(response) + " does not list our Contact " + identity_.contact_uri(), now,
             out);
        return;
    }
    if (!expiry) {
        if (auto h = response.get(sip::header_id::expires)) {
            if (auto n = sip::parse_number(*h, max_expiry)) {
                expiry = *n;
            }
        }
    }
    if (!expiry) {
        fail(episode_outcome::expiry_missing,
             status_text(response) + " lists our Contact without an expiry", now, out);
        return;
    }
    if (*expiry == 0) {
        fail(episode_outcome::binding_missing, status_text(response) + " grants expires=0", now,
             out);
        return;
    }
    succeed(std::chrono::seconds{*expiry}, now, out);
}

void registration::succeed(std::chrono::seconds granted, core::time_point now, out_t& out) {
    auto& e = current();
    registered_ = true;
    out.push_back(latency_action(core::step::register_, since(e.due, now)));
    out.push_back(registration_result_action(core::registration_result::ok));
    // A documented refresh is silent ("registered stays"); 2.0.5 reports every success.
    if (sdk_2_0_5() || e.kind != episode_kind::refresh) {
        emit("registered", now, out);
    }
    end_episode(episode_outcome::ok, {}, now);
    if (!stopping_) {
        // Refresh at 80 % of the granted expiry.
        // In the granted unit first: nanoseconds times 8 overflow for expiries above ≈36 years.
        refresh_at_ = now + std::chrono::duration_cast<core::clock::duration>(
                                std::chrono::duration<double>(granted) * 0.8);
    }
    after_episode(now, out);
}

void registration::fail(episode_outcome outcome, std::string detail, core::time_point now,
                        out_t& out) {
    registered_ = false;
    refresh_at_.reset();
    out.push_back(registration_result_action(result_of(outcome)));
    current().detail = std::move(detail);
    if (!sdk_2_0_5()) {
        emit("terminated", now, out);
        end_episode(outcome, {}, now);
        after_episode(now, out);
        return;
    }
    fail_2_0_5(outcome, now, out);
    after_episode(now, out);
}

void registration::fail_2_0_5(episode_outcome outcome, core::time_point now, out_t& out) {
    bool retry = true;
    switch (outcome) {
        case episode_outcome::binding_missing:
            // The granted expiry reads as NaN: unregistered at once, socket kept, no retry.
            emit("unregistered", now, out);
            retry = false;
            break;
        case episode_outcome::expiry_missing: {
            // registered twice, an immediate re-REGISTER (no sent_request; its answer is
            // never read), unregistered, then the socket is closed.
            emit("registered", now, out);
            emit("registered", now, out);
            transaction_.reset();
            count_sent(make_register(false), now, out);
            emit("unregistered", now, out);
            close_ws(now, out);
            break;
        }
        case episode_outcome::contact_missing:
            emit("unregistered", now, out);
            close_ws(now, out);
            break;
        default:
            // Refused, timed out or the socket is gone: close (1000), then unregistered.
            close_ws(now, out);
            emit("unregistered", now, out);
            break;
    }
    end_episode(outcome, {}, now);
    if (retry) {
        renew_identity_ = true;  // the retry makes a new UserAgent: new Contact, Call-ID
        if (!stopping_) {
            retry_at_ = now + config_.retry_interval;
        }
    }
}

void registration::finish_unregister(episode_outcome outcome, std::string detail,
                                     core::time_point now, out_t& out) {
    auto& e = current();
    if (outcome != episode_outcome::timeout && outcome != episode_outcome::transport_error) {
        out.push_back(latency_action(core::step::unregister, since(e.due, now)));
    }
    // "The 200 may never come; sent_request is enough": the documented SDK reports
    // unregistered whatever ends the de-REGISTER (final response, Timer F, a drop).
    emit("unregistered", now, out);
    end_episode(outcome, std::move(detail), now);
    after_episode(now, out);
}

void registration::unregister_2_0_5(core::time_point now, out_t& out) {
    // 2.0.5: a spurious registered, the de-REGISTER, unregistered, and the socket is
    // closed before the 200 can be read.
    emit("registered", now, out);
    if (ws_ == ws_state::up) {
        count_sent(make_register(true), now, out);
        emit("sent_request", now, out);
    }
    emit("unregistered", now, out);
    close_ws(now, out);
    end_episode(episode_outcome::ok, "socket closed before the answer was read", now);
    after_episode(now, out);
}

}  // namespace ringstorm::phone
