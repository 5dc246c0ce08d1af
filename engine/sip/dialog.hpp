#pragma once
// SIP dialogs (RFC 3261 §12, with §13-§15 for INVITE, ACK and BYE): the state a UA keeps
// between the two ends of a call, and the in-dialog requests built from it. A value
// type: no clock, no I/O, no callbacks. Branches are passed in by the caller (see
// make_branch()), so tests are deterministic.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.hpp"
#include "engine/sip/message.hpp"
#include "engine/sip/method.hpp"

namespace ringstorm::sip {

// RFC 3261 §12: Call-ID, local tag and remote tag, seen from this UA.
struct dialog_id {
    std::string call_id;
    std::string local_tag;
    std::string remote_tag;

    friend bool operator==(const dialog_id&, const dialog_id&) = default;
};

struct dialog_id_hash {
    std::size_t operator()(const dialog_id& id) const noexcept;
};

// The id of the dialog a received response belongs to (local tag = From tag).
dialog_id dialog_id_of_response(const message& response);
// The id of the dialog a received request belongs to (local tag = To tag).
dialog_id dialog_id_of_request(const message& request);

enum class dialog_state : unsigned char { early, confirmed, terminated };
enum class dialog_role : unsigned char { uac, uas };

enum class dialog_error : unsigned char {
    not_dialog_creating,  // not a 101-299 response to an INVITE
    missing_to_tag,       // RFC 3261 §12.1: the UAS must put a To tag in the response
    missing_from_tag,
    missing_call_id,
    missing_contact,  // the remote target comes from the peer's Contact (§12.1.1, §12.1.2)
    bad_contact,
    bad_record_route,
    bad_cseq,
};

std::string_view to_string(dialog_state s) noexcept;
std::string_view to_string(dialog_error e) noexcept;

// What to do with a request received within a dialog (RFC 3261 §12.2.2).
enum class request_verdict : unsigned char {
    accept,
    reject_out_of_order,  // CSeq lower than the remote sequence number: answer 500
    reject_bad_cseq,      // unreadable CSeq: answer 400
};

// One entry of the route set: the name-addr to put in a Route header, and its URI.
struct route_entry {
    std::string value;   // "<sip:p1.example.com;lr>" with any header parameters
    std::string uri;     // "sip:p1.example.com;lr"
    bool loose = false;  // the URI has the lr parameter (RFC 3261 §19.1.1, §16.12)

    friend bool operator==(const route_entry&, const route_entry&) = default;
};

// Methods that replace the remote target (RFC 3261 §12.2, RFC 3311, RFC 6665, RFC 3515).
bool is_target_refresh(sip::method m) noexcept;

class dialog {
public:
    // RFC 3261 §12.1.2: the UAC's dialog from a response with a To tag to our `invite`
    // (101-199: early, 2xx: confirmed). The route set is the Record-Route of the response
    // in reverse order; the remote target its Contact. `secure_transport` says whether the
    // INVITE went over TLS/WSS (with a SIPS Request-URI the dialog is secure). The Via
    // of later requests reuses the INVITE's sent-by.
    static core::result<dialog, dialog_error> create_uac(const message& invite,
                                                         const message& response,
                                                         bool secure_transport = false);

    // RFC 3261 §12.1.1: the UAS's dialog once it sends `response` (101-299 with a To
    // tag, and our Contact) to a received `invite`. The route set is the INVITE's
    // Record-Route in order; the remote target its Contact. `via_sent_by` is how our
    // own requests' Via starts, e.g. "SIP/2.0/WSS df7jal23ls0d.invalid".
    static core::result<dialog, dialog_error> create_uas(const message& invite,
                                                         const message& response,
                                                         std::string_view via_sent_by,
                                                         bool secure_transport = false);

    const dialog_id& id() const noexcept { return id_; }
    dialog_role role() const noexcept { return role_; }
    dialog_state state() const noexcept { return state_; }
    bool secure() const noexcept { return secure_; }
    const std::vector<route_entry>& route_set() const noexcept { return route_set_; }
    const std::string& remote_target() const noexcept { return remote_target_; }
    const std::string& local_contact() const noexcept { return local_contact_; }
    // Header values used in our requests' From (with our tag) and To (with theirs).
    const std::string& local_party() const noexcept { return local_party_; }
    const std::string& remote_party() const noexcept { return remote_party_; }
    std::optional<std::uint32_t> local_cseq() const noexcept { return local_cseq_; }
    std::optional<std::uint32_t> remote_cseq() const noexcept { return remote_cseq_; }

    // RFC 3261 §12.2.1.1: a request within the dialog (re-INVITE, BYE, INFO, UPDATE…)
    // with the next local CSeq, a Via carrying `branch`, the route set and Request-URI
    // per loose or strict routing, Max-Forwards 70, From/To with tags, and our Contact
    // for target refresh requests. ACK is built by make_ack() instead.
    message make_request(sip::method m, std::string_view branch);
    message make_request(std::string_view method_token, std::string_view branch);

    // RFC 3261 §13.2.2.4: the ACK for a 2xx to `invite` (sent in this dialog): built like
    // any in-dialog request but with the INVITE's CSeq number, method ACK, a new
    // `branch`, and the INVITE's credentials (Authorization, Proxy-Authorization).
    // Takes no local CSeq.
    message make_ack(const message& invite, std::string_view branch) const;

    // RFC 3261 §12.2.2: checks a request received in this dialog and updates the remote
    // CSeq and, for a target refresh with Contact, the remote target. ACK and CANCEL are
    // not sequence-checked. An accepted BYE terminates the dialog (§15.1.2).
    request_verdict on_request(const message& request);

    // A response received to a request we sent in this dialog, with that request:
    // confirms an early UAC dialog on 2xx (route set and target recomputed, §13.2.2.4),
    // ends it on a 3xx-6xx to the initial INVITE (§12.3) or on 481/408 to any request
    // (§12.2.1.2), and applies a target refresh from a 2xx's Contact.
    void on_response(const message& request, const message& response);

    // A response we send (UAS): a 2xx to the initial INVITE confirms the dialog; a
    // 3xx-6xx to it ends the early dialog.
    void on_local_response(const message& request, const message& response);

    // The TU ends the dialog (BYE sent and answered, or the session is over).
    void terminate() noexcept { state_ = dialog_state::terminated; }

private:
    // Both creators (RFC 3261 §12.1.1, §12.1.2): the route set from the Record-Route of
    // record_routes (reversed for a UAC) and the remote target from peer's Contact.
    std::optional<dialog_error> take_routing(const message& record_routes, bool reversed,
                                             const message& peer);
    dialog() = default;

    std::string build_request_uri() const;
    void add_common_headers(message& m, std::string_view branch) const;
    bool set_remote_target_from(const message& m);

    dialog_id id_;
    dialog_role role_ = dialog_role::uac;
    dialog_state state_ = dialog_state::early;
    bool secure_ = false;
    std::vector<route_entry> route_set_;
    std::string remote_target_;
    std::string local_contact_;
    std::string local_party_;
    std::string remote_party_;
    std::string via_sent_by_;
    std::optional<std::uint32_t> local_cseq_;
    std::optional<std::uint32_t> remote_cseq_;
};

}  // namespace ringstorm::sip
