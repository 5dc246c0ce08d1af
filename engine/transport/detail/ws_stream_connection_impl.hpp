#pragma once
// Member definitions of ws_stream_connection, included only by the two files that
// instantiate it (ws_plain_connection.cpp, ws_tls_connection.cpp).

#include "engine/transport/detail/ws_stream_connection.hpp"

namespace ringstorm::transport::detail {

template <class NextLayer>
void ws_stream_connection<NextLayer>::start(message_handler on_message, close_handler on_close) {
    on_message_ = std::move(on_message);
    on_close_ = std::move(on_close);
    net::co_spawn(ws_.get_executor(), read_loop(self()), net::detached);
}

template <class NextLayer>
std::error_code ws_stream_connection<NextLayer>::send(std::string frame) {
    if (!open_ || closing_) {
        return errc::not_open;
    }
    if (queue_.size() >= limits_.queue_limit) {
        return errc::queue_full;
    }
    queue_.push_back(std::move(frame));
    if (!writing_) {
        writing_ = true;
        net::co_spawn(ws_.get_executor(), write_loop(self()), net::detached);
    }
    return {};
}

template <class NextLayer>
net::awaitable<core::result<done, failure>> ws_stream_connection<NextLayer>::close() {
    auto keep = self();
    if (!open_ || closing_) {
        co_return done{};
    }
    closing_ = true;
    // RFC 6455 §7.1.2: send a Close frame, then wait for the peer's (bounded by the
    // handshake_timeout set in opened()).
    auto [ec] = co_await ws_.async_close(websocket::close_code::normal, use_tuple);
    open_ = false;
    if (ec && ec != websocket::error::closed && ec != net::error::operation_aborted) {
        drop();
        co_return core::unexpected{failure{stage::ws_close, translate(ec), {}, peer_}};
    }
    co_return done{};
}

template <class NextLayer>
net::awaitable<void> ws_stream_connection<NextLayer>::close_quietly(
    std::shared_ptr<ws_stream_connection> self) {
    (void)co_await self->close();
}

template <class NextLayer>
net::awaitable<void> ws_stream_connection<NextLayer>::read_loop(
    std::shared_ptr<ws_stream_connection> self) {
    for (;;) {
        // A fresh string per message: an idle connection holds no read buffer.
        std::string frame;
        auto buffer = net::dynamic_buffer(frame, self->limits_.max_message_size);
        auto [ec, n] = co_await self->ws_.async_read(buffer, use_tuple);
        if (ec) {
            self->finish(ec);
            co_return;
        }
        if (!self->on_message_) {
            co_return;  // aborted by the owner
        }
        self->on_message_(*self, std::move(frame));
    }
}

template <class NextLayer>
net::awaitable<void> ws_stream_connection<NextLayer>::write_loop(
    std::shared_ptr<ws_stream_connection> self) {
    while (self->open_ && !self->queue_.empty()) {
        self->arm_write_deadline();
        auto [ec, n] = co_await self->ws_.async_write(net::buffer(self->queue_.front()), use_tuple);
        ++self->write_generation_;  // disarms a deadline that fires late
        self->write_timer_.cancel();
        if (ec) {
            self->write_failed(ec);
            break;
        }
        self->queue_.pop_front();
    }
    self->writing_ = false;
}

template <class NextLayer>
void ws_stream_connection<NextLayer>::arm_write_deadline() {
    const auto generation = ++write_generation_;
    write_timer_.expires_after(limits_.write_timeout);
    write_timer_.async_wait([weak = std::weak_ptr<ws_stream_connection>(self()),
                             generation](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self || self->write_generation_ != generation) {
            return;
        }
        self->write_timed_out_ = true;
        self->drop();
    });
}

template <class NextLayer>
void ws_stream_connection<NextLayer>::write_failed(const boost::system::error_code& ec) {
    if (!first_failure_ && !closing_) {
        const std::error_code code =
            write_timed_out_ ? std::error_code{errc::timeout} : translate(ec);
        first_failure_ = failure{stage::ws_write, code, {}, peer_};
    }
    drop();  // the read loop ends and reports first_failure_
}

template <class NextLayer>
void ws_stream_connection<NextLayer>::finish(const boost::system::error_code& ec) {
    open_ = false;
    queue_.clear();
    failure why{stage::ws_read, translate(ec), {}, peer_};
    if (first_failure_) {
        why = *first_failure_;
    } else if (closing_) {
        why = failure{stage::ws_close, errc::stopped, {}, peer_};
    } else if (ec == websocket::error::closed) {
        const auto& reason = ws_.reason();
        why.detail = "close code " + std::to_string(reason.code);
        if (!reason.reason.empty()) {
            why.detail += " " + std::string{reason.reason.c_str()};
        }
    }
    auto handler = std::move(on_close_);
    on_close_ = nullptr;
    on_message_ = nullptr;
    if (handler) {
        handler(*this, why);
    }
}

}  // namespace ringstorm::transport::detail
