// The kernel's floor under media-calls.sh: the same UDP pattern as Ringstorm's phones and
// `ringstorm serve --media echo`, with no SRTP, no RTP and no Opus, so what it costs is
// what loopback UDP alone costs this machine.
//
//   udp_floor [CALLS] [SECONDS] [PAYLOAD_BYTES]      (default 3000 calls, 20 s, 108 bytes)
//
// "phones" (this process): one socket for every call, a 1 ms tick walking 20 slots, one
// datagram per call every 20 ms, sent with sendmmsg in batches of 64, and everything that
// comes back drained with recvmmsg, like engine/media's shared port.
// "far end" (a forked child): one socket per call, as serve opens one port per call, in one
// level-triggered epoll set; each datagram is read and sent back from the socket it came to.
// 108 bytes is a 32 kb/s Opus frame (80) + RTP header (12) + AEAD_AES_128_GCM tag (16).
// Prints each side's CPU (cores) over the measured window and per call-packet (one datagram
// out and one back), and how late the ticks ran. Loopback only; every loop is bounded.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int batch = 64;
constexpr int slots = 20;

using clock_type = std::chrono::steady_clock;

double cpu_seconds(pid_t pid) {
    // utime + stime from /proc/PID/stat (fields 14 and 15).
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    FILE* f = std::fopen(path, "r");
    if (f == nullptr) {
        return 0;
    }
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* p = std::strrchr(buf, ')');  // the command name may hold spaces
    unsigned long ut = 0;
    unsigned long st = 0;
    if (p == nullptr ||
        std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) {
        return 0;
    }
    return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int udp_socket(sockaddr_in& bound) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    int bytes = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct batch_buffers {
    std::vector<char> data = std::vector<char>(batch * 2048);
    std::vector<iovec> iov = std::vector<iovec>(batch);
    std::vector<sockaddr_in> names = std::vector<sockaddr_in>(batch);
    std::vector<mmsghdr> msgs = std::vector<mmsghdr>(batch);

    void reset_for_receive() {
        for (int i = 0; i < batch; ++i) {
            iov[i] = {data.data() + i * 2048, 2048};
            msgs[i].msg_hdr = {};
            msgs[i].msg_hdr.msg_name = &names[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
    }
};

// The far end: echo every datagram from the socket it arrived on, until `deadline`.
int run_far_end(const std::vector<int>& fds, double seconds) {
    const int ep = ::epoll_create1(0);
    for (std::size_t i = 0; i < fds.size(); ++i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    }
    batch_buffers b;
    std::vector<epoll_event> events(256);
    const auto deadline = clock_type::now() + std::chrono::duration<double>(seconds);
    while (clock_type::now() < deadline) {
        const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
        for (int e = 0; e < n; ++e) {
            const int fd = fds[events[e].data.u64];
            b.reset_for_receive();
            const int got = ::recvmmsg(fd, b.msgs.data(), batch, MSG_DONTWAIT, nullptr);
            if (got <= 0) {
                continue;
            }
            for (int i = 0; i < got; ++i) {
                b.iov[i].iov_len = b.msgs[i].msg_len;
            }
            ::sendmmsg(fd, b.msgs.data(), static_cast<unsigned>(got), MSG_DONTWAIT);
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::atoi(argv[1]) : 3000;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 20;
    const int payload = argc > 3 ? std::atoi(argv[3]) : 108;
    if (calls < 1 || calls > 15000 || seconds < 2 || seconds > 600 || payload < 12 ||
        payload > 1200) {
        std::fprintf(stderr,
                     "usage: udp_floor [CALLS 1..15000] [SECONDS 2..600] [PAYLOAD 12..1200]\n");
        return 2;
    }
    rlimit nofile{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    if (nofile.rlim_cur < static_cast<rlim_t>(calls) + 64) {
        nofile.rlim_cur = std::min<rlim_t>(nofile.rlim_max, static_cast<rlim_t>(calls) + 64);
        ::setrlimit(RLIMIT_NOFILE, &nofile);
    }
    std::vector<int> far_fds;
    std::vector<sockaddr_in> far_addrs(static_cast<std::size_t>(calls));
    for (int i = 0; i < calls; ++i) {
        const int fd = udp_socket(far_addrs[static_cast<std::size_t>(i)]);
        if (fd < 0) {
            std::fprintf(stderr, "udp_floor: socket %d: %s\n", i, std::strerror(errno));
            return 1;
        }
        far_fds.push_back(fd);
    }
    sockaddr_in phone_addr{};
    const int phone = udp_socket(phone_addr);
    const double warmup = 2;
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(phone);
        return run_far_end(far_fds, warmup + seconds + 1);
    }
    for (const int fd : far_fds) {
        ::close(fd);
    }

    batch_buffers tx;
    batch_buffers rx;
    std::vector<char> datagram(static_cast<std::size_t>(payload), 'x');
    std::vector<double> lateness_us;
    long long sent = 0;
    long long received = 0;
    const auto start = clock_type::now();
    const auto measure_from = start + std::chrono::duration<double>(warmup);
    const auto end = measure_from + std::chrono::duration<double>(seconds);
    double cpu_self0 = 0;
    double cpu_child0 = 0;
    long long sent0 = 0;
    bool measuring = false;
    auto due = start;
    for (long tick = 0; due < end; ++tick) {
        // Between ticks: drain what came back, then sleep until the next due time.
        for (;;) {
            rx.reset_for_receive();
            const int got = ::recvmmsg(phone, rx.msgs.data(), batch, MSG_DONTWAIT, nullptr);
            if (got <= 0) {
                break;
            }
            received += got;
        }
        timespec ts{};
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch());
        ts.tv_sec = static_cast<time_t>(ns.count() / 1000000000);
        ts.tv_nsec = static_cast<long>(ns.count() % 1000000000);
        ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        if (!measuring && clock_type::now() >= measure_from) {
            measuring = true;
            cpu_self0 = cpu_seconds(::getpid());
            cpu_child0 = cpu_seconds(child);
            sent0 = sent;
        }
        // This tick's slot: calls i with i % 20 == slot, one datagram each.
        const int slot = static_cast<int>(tick % slots);
        int queued = 0;
        for (int i = slot; i < calls; i += slots) {
            tx.iov[queued] = {datagram.data(), datagram.size()};
            tx.msgs[queued].msg_hdr = {};
            tx.msgs[queued].msg_hdr.msg_name = &far_addrs[static_cast<std::size_t>(i)];
            tx.msgs[queued].msg_hdr.msg_namelen = sizeof(sockaddr_in);
            tx.msgs[queued].msg_hdr.msg_iov = &tx.iov[queued];
            tx.msgs[queued].msg_hdr.msg_iovlen = 1;
            if (++queued == batch || i + slots >= calls) {
                const int n = ::sendmmsg(phone, tx.msgs.data(), static_cast<unsigned>(queued), 0);
                sent += n > 0 ? n : 0;
                queued = 0;
            }
        }
        if (measuring) {
            lateness_us.push_back(
                std::chrono::duration<double, std::micro>(clock_type::now() - due).count());
        }
        due += std::chrono::milliseconds(1);
    }
    const double span = std::chrono::duration<double>(clock_type::now() - measure_from).count();
    const double cpu_self = cpu_seconds(::getpid()) - cpu_self0;
    const double cpu_child = cpu_seconds(child) - cpu_child0;
    // The last tick's echoes are still on their way: collect them (≤ 50 ms) so a healthy
    // run reads 100 %, not the loop's cut-off.
    for (const auto until = clock_type::now() + std::chrono::milliseconds(50);
         clock_type::now() < until && received < sent;) {
        rx.reset_for_receive();
        const int got = ::recvmmsg(phone, rx.msgs.data(), batch, MSG_DONTWAIT, nullptr);
        if (got > 0) {
            received += got;
        } else {
            ::usleep(1000);
        }
    }
    ::kill(child, SIGTERM);
    ::waitpid(child, nullptr, 0);
    std::sort(lateness_us.begin(), lateness_us.end());
    const double p99 = lateness_us.empty() ? 0 : lateness_us[lateness_us.size() * 99 / 100];
    const double call_packets = static_cast<double>(sent - sent0);
    std::printf("udp_floor: %d calls, %d-byte datagrams, %.1f s measured\n", calls, payload, span);
    std::printf("  sent %lld, echoed back %lld (%.2f %%, whole run)\n", sent, received,
                sent > 0 ? 100.0 * static_cast<double>(received) / static_cast<double>(sent) : 0.0);
    std::printf("  phones  (1 shared socket):   %.2f cores, %.2f us per call-packet\n",
                cpu_self / span, call_packets > 0 ? cpu_self / call_packets * 1e6 : 0.0);
    std::printf("  far end (a socket per call): %.2f cores, %.2f us per call-packet\n",
                cpu_child / span, call_packets > 0 ? cpu_child / call_packets * 1e6 : 0.0);
    std::printf("  tick lateness p99 %.0f us (after the tick's sends)\n", p99);
    return 0;
}
