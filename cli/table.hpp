#pragma once
// Plain-text tables for the CLI, columns padded to their widest cell (as
// Consul's CLI prints them with tabwriter).
#include <string>
#include <vector>

namespace roster::cli {

using Row = std::vector<std::string>;

// Rows joined with two spaces between padded columns; no trailing spaces.
std::string format_table(const std::vector<Row>& rows);

}  // namespace roster::cli
