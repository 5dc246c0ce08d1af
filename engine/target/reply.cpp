#include "engine/target/reply.hpp"

#include <chrono>
#include <cstdio>
#include <functional>

#include "engine/sip/headers.hpp"
#include "engine/sip/response.hpp"

namespace ringstorm::target {

sip::message reply(const sip::message& request, int status, std::string_view reason) {
    std::string phrase(reason);
    for (char& c : phrase) {
        if (c == '\r' || c == '\n') {
            c = ' ';
        }
    }
    std::string key(sip::call_id(request));
    key += '|';
    key += sip::from_tag(request);
    key += '|';
    key += request.get(sip::header_id::cseq).value_or("");
    if (auto via = sip::top_via(request)) {
        key += '|';
        key += via->branch();
    }
    char tag[17];
    std::snprintf(tag, sizeof tag, "%016zx", std::hash<std::string>{}(key));
    return sip::make_response(request, status, phrase, tag);
}

std::string date_header(core::wall_clock::time_point t) {
    using namespace std::chrono;
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto secs = floor<seconds>(t);
    const auto day = floor<std::chrono::days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    const weekday wd{day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", days[wd.c_encoding()],
                  static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace ringstorm::target
