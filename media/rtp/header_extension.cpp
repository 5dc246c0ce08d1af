#include "media/rtp/header_extension.hpp"

#include <algorithm>
#include <cstring>

namespace ringstorm::rtp {

using core::unexpected;

extension_form form_of(std::uint16_t profile) noexcept {
    if (profile == one_byte_profile) {
        return extension_form::one_byte;
    }
    if ((profile & 0xFFF0) == two_byte_profile) {
        return extension_form::two_byte;
    }
    return extension_form::other;
}

core::result<std::optional<extension_element>, errc> extension_reader::next() noexcept {
    if (form_ == extension_form::other) {
        return std::optional<extension_element>{};
    }
    while (offset_ < data_.size()) {
        const std::uint8_t first = data_[offset_];
        if (first == 0) {
            ++offset_;  // RFC 8285 §4.1: padding byte between or after elements
            continue;
        }
        extension_element element;
        std::size_t length = 0;
        std::size_t header = 0;
        if (form_ == extension_form::one_byte) {
            element.id = first >> 4;
            if (element.id == 15) {
                offset_ = data_.size();  // §4.2: stop processing the block here
                break;
            }
            length = static_cast<std::size_t>(first & 0x0F) + 1;  // L is length - 1
            header = 1;
        } else {
            if (offset_ + 1 >= data_.size()) {
                return unexpected(errc::bad_extension);
            }
            element.id = first;
            length = data_[offset_ + 1];
            header = 2;
        }
        if (offset_ + header + length > data_.size()) {
            return unexpected(errc::bad_extension);
        }
        element.data = data_.subspan(offset_ + header, length);
        offset_ += header + length;
        return std::optional<extension_element>{element};
    }
    return std::optional<extension_element>{};
}

core::result<std::optional<std::span<const std::uint8_t>>, errc> find_extension(
    std::uint16_t profile, std::span<const std::uint8_t> data, std::uint8_t id) noexcept {
    extension_reader reader(profile, data);
    for (;;) {
        auto element = reader.next();
        if (!element) {
            return unexpected(element.error());
        }
        if (!element->has_value()) {
            return std::optional<std::span<const std::uint8_t>>{};
        }
        if ((*element)->id == id) {
            return std::optional<std::span<const std::uint8_t>>{(*element)->data};
        }
    }
}

core::result<std::size_t, errc> write_extension_elements(
    extension_form form, std::span<const extension_element> elements,
    std::span<std::uint8_t> out) noexcept {
    if (form == extension_form::other) {
        return unexpected(errc::bad_extension_id);
    }
    std::size_t offset = 0;
    for (const auto& e : elements) {
        const bool one = form == extension_form::one_byte;
        if (e.id == 0 || (one && e.id > 14)) {
            return unexpected(errc::bad_extension_id);
        }
        if ((one && (e.data.empty() || e.data.size() > 16)) || e.data.size() > 255) {
            return unexpected(errc::bad_extension_length);
        }
        const std::size_t need = (one ? 1 : 2) + e.data.size();
        if (out.size() - offset < need) {
            return unexpected(errc::buffer_too_small);
        }
        if (one) {
            out[offset++] = static_cast<std::uint8_t>((e.id << 4) | (e.data.size() - 1));
        } else {
            out[offset++] = e.id;
            out[offset++] = static_cast<std::uint8_t>(e.data.size());
        }
        if (!e.data.empty()) {
            std::memcpy(out.data() + offset, e.data.data(), e.data.size());
        }
        offset += e.data.size();
    }
    const std::size_t padded = (offset + 3) / 4 * 4;
    if (out.size() < padded) {
        return unexpected(errc::buffer_too_small);
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(offset),
              out.begin() + static_cast<std::ptrdiff_t>(padded), std::uint8_t{0});
    return padded;
}

}  // namespace ringstorm::rtp
