// The flat route table against std::unordered_map as the reference, under random inserts
// and erases (so probe runs wrap around the array and deletions shift entries back).

#include "engine/media/address_map.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace ringstorm::media {
namespace {

stun::transport_address v4(std::uint8_t last, std::uint16_t port) {
    return *stun::parse_address("10.0.0." + std::to_string(last), port);
}

TEST(address_map, finds_what_was_inserted_and_nothing_else) {
    address_map<int*> m;
    int a = 1;
    int b = 2;
    EXPECT_EQ(m.find(v4(1, 5000)), nullptr);  // empty, nothing allocated
    EXPECT_EQ(m.insert(v4(1, 5000), &a), &a);
    EXPECT_EQ(m.insert(v4(1, 5000), &b), &a);  // present: the first owner stays
    EXPECT_EQ(m.insert(v4(1, 5001), &b), &b);
    EXPECT_EQ(m.find(v4(1, 5000)), &a);
    EXPECT_EQ(m.find(v4(1, 5001)), &b);
    EXPECT_EQ(m.find(v4(2, 5000)), nullptr);
    const auto six = *stun::parse_address("::1", 5000);
    EXPECT_EQ(m.find(six), nullptr);
    m.insert(six, &b);
    EXPECT_EQ(m.find(six), &b);
    EXPECT_EQ(m.size(), 3u);
}

TEST(address_map, erase_only_removes_the_owners_entry) {
    address_map<int*> m;
    int a = 1;
    int b = 2;
    m.insert(v4(1, 5000), &a);
    m.erase(v4(1, 5000), &b);  // not b's
    EXPECT_EQ(m.find(v4(1, 5000)), &a);
    m.erase(v4(9, 9), &a);  // absent
    EXPECT_EQ(m.size(), 1u);
    m.erase(v4(1, 5000), &a);
    EXPECT_EQ(m.find(v4(1, 5000)), nullptr);
    EXPECT_EQ(m.size(), 0u);
}

// Few keys keep the table at 16-32 slots, where probe runs often wrap past the end.
class address_map_churn : public ::testing::TestWithParam<int> {};

TEST_P(address_map_churn, matches_a_reference_map) {
    std::mt19937 rng(7);
    address_map<int*> m;
    std::unordered_map<stun::transport_address, int*, address_hash> reference;
    std::vector<int> values(64);
    std::vector<stun::transport_address> keys;
    for (int i = 0; i < GetParam(); ++i) {
        keys.push_back(v4(static_cast<std::uint8_t>(i % 7), static_cast<std::uint16_t>(40000 + i)));
    }
    for (int step = 0; step < 20000; ++step) {
        const auto& key = keys[rng() % keys.size()];
        int* value = &values[rng() % values.size()];
        if (rng() % 3 == 0) {
            const auto it = reference.find(key);
            // Erase with the owner most of the time, with someone else sometimes.
            int* who = (it != reference.end() && rng() % 4 != 0) ? it->second : value;
            m.erase(key, who);
            if (it != reference.end() && it->second == who) {
                reference.erase(it);
            }
        } else {
            const auto [it, inserted] = reference.try_emplace(key, value);
            ASSERT_EQ(m.insert(key, value), it->second);
        }
        ASSERT_EQ(m.size(), reference.size());
        if (step % 50 == 0) {
            for (const auto& k : keys) {
                const auto it = reference.find(k);
                ASSERT_EQ(m.find(k), it == reference.end() ? nullptr : it->second) << step;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(key_counts, address_map_churn, ::testing::Values(6, 12, 40, 300));

}  // namespace
}  // namespace ringstorm::media
