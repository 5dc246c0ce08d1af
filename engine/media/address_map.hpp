#pragma once
// The port's route table: remote address → endpoint, looked up for every datagram. Open
// addressing with linear probing in one flat array (a lookup is one cache line in the
// common case, where std::unordered_map chases a bucket and a node), at most half full,
// backward-shift deletion (no tombstones, so a long run of calls coming and going does not
// slow lookups). Allocates only when it grows, on insert: never per packet.

#include <cstddef>
#include <vector>

#include "engine/media/socket_address.hpp"
#include "media/ice/transport_address.hpp"

namespace ringstorm::media {

// Value must be a pointer: nullptr marks an empty slot.
template <class Value>
class address_map {
public:
    Value find(const stun::transport_address& key) const noexcept {
        if (size_ == 0) {
            return nullptr;
        }
        for (std::size_t i = home(key);; i = next(i)) {
            const entry& e = slots_[i];
            if (e.value == nullptr) {
                return nullptr;
            }
            if (e.key == key) {
                return e.value;
            }
        }
    }

    // Adds key → value unless key is present; returns the value now mapped.
    Value insert(const stun::transport_address& key, Value value) {
        if ((size_ + 1) * 2 > slots_.size()) {
            grow();
        }
        std::size_t i = home(key);
        for (; slots_[i].value != nullptr; i = next(i)) {
            if (slots_[i].key == key) {
                return slots_[i].value;
            }
        }
        slots_[i] = {key, value};
        ++size_;
        return value;
    }

    // Removes key if it maps to `value` (a route another endpoint owns is left alone).
    void erase(const stun::transport_address& key, Value value) noexcept {
        if (size_ == 0) {
            return;
        }
        std::size_t i = home(key);
        for (; slots_[i].value != nullptr; i = next(i)) {
            if (slots_[i].key == key) {
                break;
            }
        }
        if (slots_[i].value != value || value == nullptr) {
            return;
        }
        // Backward shift: pull later entries of the probe run into the hole when the hole
        // lies between their home and where they sit.
        std::size_t hole = i;
        for (std::size_t j = next(hole); slots_[j].value != nullptr; j = next(j)) {
            const std::size_t h = home(slots_[j].key);
            const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
            if (movable) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = {};
        --size_;
    }

    std::size_t size() const noexcept { return size_; }

private:
    struct entry {
        stun::transport_address key;
        Value value = nullptr;
    };

    std::size_t home(const stun::transport_address& key) const noexcept {
        return address_hash{}(key) & (slots_.size() - 1);
    }
    std::size_t next(std::size_t i) const noexcept { return (i + 1) & (slots_.size() - 1); }

    void grow() {
        std::vector<entry> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : old.size() * 2, entry{});
        size_ = 0;
        for (const entry& e : old) {
            if (e.value != nullptr) {
                insert(e.key, e.value);
            }
        }
    }

    std::vector<entry> slots_;  // size 0 or a power of two
    std::size_t size_ = 0;
};

}  // namespace ringstorm::media
