// The TOML config file (--config FILE). Its sections are the groups of the
// command line's --help ([machine], [boot], [drives], ...) and its keys the
// flags without their dashes, so a file holds what a command line would:
//
//   [machine]
//   memory = "256M"
//   [drives]
//   hda = "disk.img"
//   snapshot = true
//   [devices]
//   serial = ["stdio", "file:com2.log"]
//
// Values are strings, numbers or booleans (true/false alone for switches),
// and lists for the flags that can be repeated. A flag on the command line
// wins over the file's key for it. Every mistake names the file, the line
// and the key.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace tx86::fe {

struct ConfigEntry {
  const CLI::Option* option;
  std::vector<std::string> args;  // as on a command line: {"--memory", "256M"}
  std::string where;              // "FILE:LINE: key 'machine.memory'"
};

// Reads the file and checks it against the options of `app`: unknown
// sections and keys, and values of the wrong TOML type, are UserErrors
// naming the place. (Whether a value is good is for the option to say once
// parsed: see ConfigEntry::where.)
std::vector<ConfigEntry> read_config_file(const std::string& path, const CLI::App& app);

// The settings `app` parsed (or its defaults), as a config file: what
// --print-config prints. Reading it back gives the same settings.
std::string effective_config(const CLI::App& app);

// The key an option has in a config file, "" for none (--help, --config).
std::string config_key(const CLI::Option& option);

}  // namespace tx86::fe
