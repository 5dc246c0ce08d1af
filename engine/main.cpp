// ringstorm: load and conformance testing for WebRTC voice platforms.
// The subcommands live in engine/app/ (cli.cpp dispatches to run, serve, validate, version).
#include "engine/app/cli.hpp"

int main(int argc, char** argv) {
    return ringstorm::app::main(argc, argv);
}
