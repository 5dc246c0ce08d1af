#pragma once
// The command line of `ringstorm` (interface.md, "Commands"): parses the subcommand and its
// options and runs it. Returns the process exit code (0 pass, 1 fail, 2 usage or scenario
// error, 3 could not start or aborted).

namespace ringstorm::app {

int main(int argc, char** argv);

}  // namespace ringstorm::app
