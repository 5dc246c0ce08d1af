#pragma once
// A value-or-error type for hot paths (C++20 has no std::expected). Errors are values:
// parsers and protocol code return result<T, E> instead of throwing on bad input.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ringstorm::core {

// Wraps an error value so that result<T, E> can be built from it unambiguously,
// even when T and E are the same type.
// Has a constructor (not just an aggregate) because clang 14 lacks aggregate CTAD, and the
// fuzz preset builds with clang 14.
template <class E>
struct unexpected {
    explicit unexpected(E e) : error(std::move(e)) {}
    E error;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class result {
public:
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    template <class G>
    result(unexpected<G> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return *std::get_if<0>(&v_);
    }
    const T& value() const& {
        assert(has_value());
        return *std::get_if<0>(&v_);
    }
    T&& value() && {
        assert(has_value());
        return std::move(*std::get_if<0>(&v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& {
        assert(!has_value());
        return *std::get_if<1>(&v_);
    }
    E&& error() && {
        assert(!has_value());
        return std::move(*std::get_if<1>(&v_));
    }

private:
    std::variant<T, E> v_;
};

}  // namespace ringstorm::core
