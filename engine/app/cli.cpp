#include "engine/app/cli.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "engine/app/run_options.hpp"
#include "engine/app/serve_command.hpp"
#include "engine/scenario/scenario.hpp"

#ifndef RINGSTORM_VERSION
#define RINGSTORM_VERSION "0.0.0"
#endif

namespace ringstorm::app {

namespace {

// `ringstorm validate`: every located error of the file, exit 2; nothing runs.
int validate_command(const std::string& file) {
    auto loaded = scenario::load_scenario_file(file);
    if (!loaded) {
        for (const scenario::diagnostic& d : loaded.error()) {
            std::fprintf(stderr, "%s\n", scenario::to_string(d).c_str());
        }
        std::fprintf(stderr, "%s: %zu error(s)\n", file.c_str(), loaded.error().size());
        return 2;
    }
    const scenario::scenario& s = *loaded;
    std::printf("%s: ok: scenario '%s', contract %s, %llu phone(s), %zu threshold(s), target %s\n",
                file.c_str(), s.name.c_str(), std::string(scenario::to_string(s.contract)).c_str(),
                static_cast<unsigned long long>(s.load.phones), s.thresholds.size(),
                s.target.url ? s.target.url->text.c_str() : "embedded (loopback)");
    return 0;
}

// An option that overrides a scenario setting is kept as the text typed, so the scenario
// loader's rules check it (scenario::apply_overrides).
void override_option(CLI::App* app, const std::string& name, std::optional<std::string>& into,
                     const std::string& help) {
    app->add_option_function<std::string>(name, [&into](const std::string& v) { into = v; }, help);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ringstorm: load and conformance testing for WebRTC voice platforms"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("ringstorm ") + RINGSTORM_VERSION);

    run_options run;
    CLI::App* run_cmd = app.add_subcommand("run", "run a load/conformance scenario");
    run_cmd->add_option("scenario", run.scenario_file, "scenario YAML file")->required();
    scenario::overrides& ov = run.overrides;
    override_option(run_cmd, "--target", ov.target, "ws:// or wss://host:port/path");
    override_option(run_cmd, "--phones", ov.phones, "phones (users) in the run");
    override_option(run_cmd, "--rate", ov.rate, "phones started per second");
    override_option(run_cmd, "--duration", ov.duration, "run length: 90s, 5m");
    override_option(run_cmd, "--threads", ov.threads, "worker threads (default: cores)");
    override_option(run_cmd, "--contract", ov.contract, "documented | exotel-web-sdk-2.0.5");
    override_option(run_cmd, "--accounts", ov.accounts, "user name pattern, e.g. 1{n:04}");
    override_option(run_cmd, "--password", ov.password, "password (pattern accounts)");
    override_option(run_cmd, "--accounts-csv", ov.accounts_csv, "CSV: userName,authUser,secret,displayname");
    override_option(run_cmd, "--sipdomain", ov.sipdomain, "the AOR domain");
    override_option(run_cmd, "--ca", ov.ca, "PEM file of CAs to trust");
    run_cmd->add_flag("--insecure", ov.insecure, "skip TLS certificate verification");
    run_cmd->add_option("--out", run.out_dir, "directory for summary.json, junit.xml, report.html, failures/");
    run_cmd->add_option("--json", run.json_file, "write summary.json here");
    run_cmd->add_option("--junit", run.junit_file, "write JUnit XML here");
    run_cmd->add_option("--html", run.html_file, "write the HTML report here");
    run_cmd->add_option("--events", run.events_file, "every SDK callback as JSON lines");
    run_cmd->add_option("--prometheus", run.prometheus, "HOST:PORT: serve live /metrics during the run");
    run_cmd->add_option("--pushgateway", run.pushgateway, "http://host:port: push the final metrics");
    run_cmd->add_option("--shard", run.shard, "I/N: this process runs phones I, I+N, ...");
    run_cmd->add_option("--source-ips", run.source_ips, "local addresses to spread sockets over, e.g. 127.0.0.2-127.0.0.40");
    run_cmd->add_option("--seed", run.seed, "random seed (Contacts, tags, think times)");
    run_cmd->add_flag("--quiet,-q", run.quiet, "print only the verdict");

    serve_options serve;
    CLI::App* serve_cmd = app.add_subcommand("serve", "run the embedded target on its own");
    serve_cmd->add_option("--listen", serve.listen, "ws:// or wss://host:port/path")->capture_default_str();
    serve_cmd->add_option("--cert", serve.cert_file, "PEM certificate chain (wss)");
    serve_cmd->add_option("--key", serve.key_file, "PEM private key (wss)");
    serve_cmd->add_option("--domain", serve.domain, "SIP domain served (default: the listen host)");
    serve_cmd->add_option("--accounts", serve.accounts, "user name pattern")->capture_default_str();
    serve_cmd->add_option("--password", serve.password, "password (may use {n})")->capture_default_str();
    serve_cmd->add_option("--accounts-csv", serve.accounts_csv, "accounts CSV instead of a pattern");
    serve_cmd->add_option("--threads", serve.threads, "listener threads (default: cores)");
    serve_cmd->add_option("--max-expires", serve.max_expires,
                          "longest registration granted, seconds (shorter = more refreshes)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 86400u));
    serve_cmd->add_option("--write-cert", serve.write_cert, "save the generated certificate (PEM) here");
    serve_cmd->add_option("--prometheus", serve.prometheus, "HOST:PORT: serve the target's /metrics");
    serve_cmd->add_flag("--quiet,-q", serve.quiet, "no periodic counters");
    add_call_options(*serve_cmd, serve);

    std::string validate_file;
    CLI::App* validate_cmd = app.add_subcommand("validate", "check a scenario; print located errors; run nothing");
    validate_cmd->add_option("scenario", validate_file, "scenario YAML file")->required();

    CLI::App* version_cmd = app.add_subcommand("version", "print the version");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (version_cmd->parsed()) {
        std::printf("ringstorm %s\n", RINGSTORM_VERSION);
        return 0;
    }
    if (validate_cmd->parsed()) {
        return validate_command(validate_file);
    }
    if (serve_cmd->parsed()) {
        return serve_command(serve);
    }
    return run_command(run);
}

}  // namespace ringstorm::app
