// A phone's end: its open tabs close together, then its verdict (the script's failure,
// each tab's callbacks and calls against the contract, the rules across its tabs).
#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/app/ladder_text.hpp"
#include "engine/app/phone_script.hpp"
#include "engine/app/worker.hpp"
#include "engine/contract/checker.hpp"

namespace ringstorm::app {

namespace net = boost::asio;
using namespace std::chrono_literals;

net::awaitable<void> phone_script::finish() {
    if (!aborted_) {
        // Every tab closes at once, so a user with many tabs takes one close, not one each.
        core::time_point deadline = core::clock::now() + owner_.plan().tab_close;
        // Completions may arrive after this coroutine moved on (an overrun close): they
        // find `wake` cleared and touch nothing of the phone.
        struct closing {
            std::size_t open = 0;
            net::steady_timer* wake = nullptr;
        };
        auto open = static_cast<std::size_t>(std::count(closed_.begin(), closed_.end(), false));
        auto c = std::make_shared<closing>(closing{open, &wake_});
        for (std::size_t i = 0; i < tabs_.size(); ++i) {
            if (closed_[i]) {
                continue;  // close_tab closed it already
            }
            net::co_spawn(wake_.get_executor(), tabs_[i]->shutdown(deadline),
                          [c](std::exception_ptr) {
                              if (--c->open == 0 && c->wake != nullptr) {
                                  c->wake->cancel();
                              }
                          });
        }
        // The tabs' closes are bounded by the deadline plus one close handshake; the extra
        // second only guards against a close that overruns its own timeout.
        core::time_point limit = deadline + owner_.plan().client.limits.close_timeout + 1s;
        while (c->open > 0 && !aborted_ && core::clock::now() < limit) {
            wake_.expires_at(limit);
            co_await wake_.async_wait(net::as_tuple(net::use_awaitable));
        }
        c->wake = nullptr;
        if (c->open > 0) {
            for (auto& tab : tabs_) {
                tab->abort();
            }
        }
    }
    if (tried_register_ && !registered_counted_) {
        fail("never registered");
    }
    judge();
}

// The phone's verdict: its script, then each tab's callbacks against the contract.
void phone_script::judge() {
    core::stats& stats = owner_.mutable_stats();
    scenario::contract_profile profile = owner_.plan().scenario->contract;
    bool checked = false;
    // Every violation, on the tab whose timeline holds its evidence.
    std::vector<std::vector<contract::violation>> found(tabs_.size());
    std::vector<const phone::timeline*> histories;
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        contract::verdict v = contract::check(profile, tabs_[i]->history());
        checked = checked || v.checked;
        found[i] = std::move(v.violations);
        histories.push_back(&tabs_[i]->history());
    }
    if (tabs_.size() > 1) {
        for (contract::violation& v : contract::check_session(profile, histories)) {
            if (v.tab < found.size()) {
                found[v.tab].push_back(std::move(v));
            }
        }
    }
    bool passed = true;
    for (std::size_t i = 0; i < tabs_.size(); ++i) {
        const phone::timeline& history = tabs_[i]->history();
        passed = passed && found[i].empty();
        for (const contract::violation& violation : found[i]) {
            stats.contract_violations.add(violation.rule);
        }
        if (found[i].empty() && failure_.empty()) {
            continue;
        }
        failed_tab f;
        f.name = tab_name(tabs_[i]->index());
        f.reason = failure_.empty() ? std::string(found[i].front().rule) : failure_;
        for (const contract::violation& violation : found[i]) {
            reporters::contract_sample s;
            s.phone = f.name;
            if (violation.call != phone::no_call && violation.call < history.calls.size()) {
                s.call_id = history.calls[violation.call].call_id;
            }
            s.rule = violation.rule;
            s.expected.assign(violation.expected.begin(), violation.expected.end());
            s.observed.assign(violation.observed.begin(), violation.observed.end());
            s.detail = violation.detail;
            f.samples.push_back(std::move(s));
        }
        f.ladder = render_ladder(f.name, f.reason, history, owner_.plan().clock);
        owner_.keep_failure(std::move(f));
    }
    if (checked) {
        ++stats.contract_checked;
        if (passed) {
            ++stats.contract_passed;
        }
    }
    if (!failure_.empty()) {
        ++stats.phones_failed;
    }
}

std::string phone_script::tab_name(std::uint32_t tab) const {
    return tab == 0 ? user_ : user_ + "#" + std::to_string(tab);
}

}  // namespace ringstorm::app
