#pragma once
// Small ASCII string helpers. DNS names, service names and tags compare
// case-insensitively, as Consul does.
#include <string>
#include <string_view>
#include <vector>

namespace roster {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
// The value of one hex digit, or -1 if `c` is not one.
int hex_digit_value(char c);

}  // namespace roster
