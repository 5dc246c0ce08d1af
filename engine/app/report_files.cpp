#include "engine/app/report_files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "reporters/html_report.hpp"
#include "reporters/junit_xml.hpp"
#include "reporters/summary_json.hpp"

namespace ringstorm::app {

namespace {

constexpr std::size_t max_samples = 20;

// A phone name as a file name: user names may hold characters a file system dislikes;
// "10001#2" (tab 2) becomes "10001-tab2". Names that map alike get a counter, so no ladder
// overwrites another.
std::string file_name_for(const std::string& name, std::set<std::string>& used) {
    std::string base;
    for (char c : name) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.';
        if (c == '#') {
            base += "-tab";
        } else {
            base += plain ? c : '_';
        }
    }
    std::string file = base + ".txt";
    for (int n = 2; !used.insert(file).second; ++n) {
        file = base + "~" + std::to_string(n) + ".txt";
    }
    return file;
}

void write_file(const std::string& path, const std::string& text, written_reports& w) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) {
        w.errors.push_back("cannot write '" + path + "': " + std::strerror(errno));
        return;
    }
    f << text;
    f.close();
    if (!f) {
        w.errors.push_back("cannot write '" + path + "': " + std::strerror(errno));
        return;
    }
    w.files.push_back(path);
}

}  // namespace

written_reports write_reports(reporters::run_report& report, std::vector<failed_tab>& failures,
                              const run_options& options) {
    written_reports w;
    namespace fs = std::filesystem;
    bool out = !options.out_dir.empty();
    if (out) {
        std::error_code ec;
        fs::create_directories(fs::path(options.out_dir) / "failures", ec);
        if (ec) {
            w.errors.push_back("cannot create '" + options.out_dir + "/failures': " + ec.message());
            out = false;
        }
    }
    std::set<std::string> used;
    for (failed_tab& f : failures) {
        std::string ladder;
        if (out) {
            ladder = "failures/" + file_name_for(f.name, used);
            write_file((fs::path(options.out_dir) / ladder).string(), f.ladder, w);
        }
        for (reporters::contract_sample& s : f.samples) {
            if (report.samples.size() < max_samples) {
                s.ladder = ladder;
                report.samples.push_back(std::move(s));
            }
        }
    }
    std::string json = reporters::to_summary_json(report);
    std::string junit = reporters::to_junit_xml(report);
    std::string html = reporters::to_html_report(report);
    if (out) {
        write_file((fs::path(options.out_dir) / "summary.json").string(), json, w);
        write_file((fs::path(options.out_dir) / "junit.xml").string(), junit, w);
        write_file((fs::path(options.out_dir) / "report.html").string(), html, w);
    }
    if (!options.json_file.empty()) {
        write_file(options.json_file, json, w);
    }
    if (!options.junit_file.empty()) {
        write_file(options.junit_file, junit, w);
    }
    if (!options.html_file.empty()) {
        write_file(options.html_file, html, w);
    }
    return w;
}

}  // namespace ringstorm::app
