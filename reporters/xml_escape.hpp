#pragma once
// Text for XML 1.0 attribute values and character data (XML 1.0 §2.2, §2.4, §3.3.3).

#include <string>
#include <string_view>

namespace ringstorm::reporters {

// Escapes & < > " ' as entities; other control characters, which XML 1.0 forbids even as
// references, become '?'. In an attribute value tab, newline and carriage return become
// character references too (a parser would normalise them to spaces otherwise, §3.3.3); in
// character data they stay as they are, so a failure's text reads as lines.
enum class xml_context : bool { attribute, text };
std::string xml_escape(std::string_view text, xml_context where = xml_context::attribute);

}  // namespace ringstorm::reporters
