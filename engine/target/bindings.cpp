#include "engine/target/bindings.hpp"

#include <algorithm>

namespace ringstorm::target {

const std::vector<binding>* binding_table::find(const std::string& aor) const {
    auto it = by_aor_.find(aor);
    return it == by_aor_.end() ? nullptr : &it->second;
}

void binding_table::replace(const std::string& aor, std::vector<binding> list) {
    auto it = by_aor_.find(aor);
    if (it != by_aor_.end()) {
        count_ -= it->second.size();
    }
    if (list.empty()) {
        if (it != by_aor_.end()) {
            by_aor_.erase(it);
        }
        return;
    }
    for (const binding& b : list) {
        auto& aors = by_connection_[b.via.id];
        if (std::find(aors.begin(), aors.end(), aor) == aors.end()) {
            aors.push_back(aor);
        }
    }
    count_ += list.size();
    if (it != by_aor_.end()) {
        it->second = std::move(list);
    } else {
        by_aor_.emplace(aor, std::move(list));
    }
}

std::size_t binding_table::remove_connection(std::uint64_t id) {
    auto index = by_connection_.find(id);
    if (index == by_connection_.end()) {
        return 0;
    }
    std::size_t removed = 0;
    for (const std::string& aor : index->second) {
        auto it = by_aor_.find(aor);
        if (it == by_aor_.end()) {
            continue;
        }
        removed += std::erase_if(it->second, [id](const binding& b) { return b.via.id == id; });
        if (it->second.empty()) {
            by_aor_.erase(it);
        }
    }
    by_connection_.erase(index);
    count_ -= removed;
    return removed;
}

std::size_t binding_table::sweep(core::time_point now) {
    std::size_t removed = 0;
    for (auto it = by_aor_.begin(); it != by_aor_.end();) {
        removed +=
            std::erase_if(it->second, [now](const binding& b) { return b.expires_at <= now; });
        it = it->second.empty() ? by_aor_.erase(it) : std::next(it);
    }
    count_ -= removed;
    return removed;
}

}  // namespace ringstorm::target
