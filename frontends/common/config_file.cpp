#include "frontends/common/config_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

std::string section_of(const CLI::Option& option) {
  std::string s = option.get_group();
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_switch(const CLI::Option& option) {
  return option.get_expected_max() == 0;
}

bool is_list(const CLI::Option& option) {
  return option.get_items_expected_max() > 1;
}

// The option's command-line name, as given to it: "--memory", "-d".
std::string flag_name(const CLI::Option& option) {
  if (!option.get_lnames().empty()) return "--" + option.get_lnames()[0];
  return "-" + option.get_snames()[0];
}

// The options a config file can set, section by section (in the order the
// sections first appear, as --help shows its groups).
std::vector<const CLI::Option*> config_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : app.get_options()) {
    if (!config_key(*o).empty()) out.push_back(o);
  }
  std::vector<std::string> order;
  for (const CLI::Option* o : out) {
    if (std::find(order.begin(), order.end(), section_of(*o)) == order.end()) {
      order.push_back(section_of(*o));
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](const CLI::Option* a, const CLI::Option* b) {
    return std::find(order.begin(), order.end(), section_of(*a)) <
           std::find(order.begin(), order.end(), section_of(*b));
  });
  return out;
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A scalar as the text a command line would hold.
bool scalar_text(const toml::node& node, std::string& out) {
  if (const auto* s = node.as_string()) {
    out = s->get();
  } else if (const auto* i = node.as_integer()) {
    out = std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    out = fmt::format("{}", f->get());
  } else if (const auto* b = node.as_boolean()) {
    out = b->get() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string config_key(const CLI::Option& option) {
  if (option.get_group().empty() || !option.nonpositional()) return {};
  const std::string name =
      option.get_lnames().empty() ? option.get_snames()[0] : option.get_lnames()[0];
  if (name == "help" || name == "version" || name == "config" || name == "print-config") return {};
  return name;
}

std::vector<ConfigEntry> read_config_file(const std::string& path, const CLI::App& app) {
  // Not a device or a pipe, which toml++ would read until it ends (for
  // /dev/zero, never), nor anything that cannot be a config's size.
  constexpr uintmax_t kMaxBytes = 1u << 20;
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw core::UserError("--config: cannot read " + path);
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw core::UserError("--config: " + path + " is not a file");
  }
  if (std::filesystem::file_size(path, error) > kMaxBytes) {
    throw core::UserError("--config: " + path + " is larger than a config file can be (1 MiB)");
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const toml::source_position at = e.source().begin;
    if (at.line == 0) throw core::UserError("--config: cannot read " + path);
    throw core::UserError(fmt::format("{}:{}:{}: {}", path, at.line, at.column, e.description()));
  }
  const std::vector<const CLI::Option*> options = config_options(app);
  std::vector<std::string> sections;
  for (const CLI::Option* o : options) {
    if (std::find(sections.begin(), sections.end(), section_of(*o)) == sections.end()) {
      sections.push_back(section_of(*o));
    }
  }
  std::vector<ConfigEntry> entries;
  for (auto&& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const auto line = section_key.source().begin.line;
    std::string known;
    for (const std::string& s : sections) known += (known.empty() ? "[" : "], [") + s;
    known += "]";
    const toml::table* table = section_node.as_table();
    if (table == nullptr) {
      throw core::UserError(
          fmt::format("{}:{}: key '{}' is outside a section ({})", path, line, section, known));
    }
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      throw core::UserError(fmt::format("{}:{}: [{}] is not a section of tx86's settings ({})",
                                        path, line, section, known));
    }
    for (auto&& [key, node] : *table) {
      const std::string name(key.str());
      const std::string where =
          fmt::format("{}:{}: key '{}.{}'", path, key.source().begin.line, section, name);
      const auto it = std::find_if(options.begin(), options.end(), [&](const CLI::Option* o) {
        return config_key(*o) == name && section_of(*o) == section;
      });
      if (it == options.end()) {
        throw core::UserError(where + ": no such setting (tx86 --help lists them by section)");
      }
      const CLI::Option& option = **it;
      ConfigEntry entry{&option, {}, where};
      if (is_switch(option)) {
        const auto* b = node.as_boolean();
        if (b == nullptr) throw core::UserError(where + ": a switch, true or false");
        if (b->get()) entry.args.push_back(flag_name(option));
      } else if (const toml::array* list = node.as_array()) {
        if (!is_list(option)) throw core::UserError(where + ": takes one value, not a list");
        for (const toml::node& item : *list) {
          std::string text;
          if (!scalar_text(item, text)) {
            throw core::UserError(where + ": a list of strings or numbers");
          }
          entry.args.push_back(flag_name(option));
          entry.args.push_back(text);
        }
      } else {
        std::string text;
        if (!scalar_text(node, text)) {
          throw core::UserError(where + ": a string, a number or true/false");
        }
        entry.args.push_back(flag_name(option));
        entry.args.push_back(text);
      }
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

std::string effective_config(const CLI::App& app) {
  std::string out = "# tx86 --print-config: the settings of this run, for --config\n";
  std::string section;
  for (const CLI::Option* o : config_options(app)) {
    if (section_of(*o) != section) {
      section = section_of(*o);
      out += "\n[" + section + "]\n";
    }
    const std::string key = config_key(*o);
    if (is_switch(*o)) {
      out += fmt::format("{} = {}\n", key, o->count() > 0 ? "true" : "false");
      continue;
    }
    std::vector<std::string> values = o->results();
    if (o->count() == 0 && !o->get_default_str().empty()) values = {o->get_default_str()};
    if (o->get_type_name() == "BOOLEAN") {
      for (std::string& v : values) v = v == "1" ? "true" : v == "0" ? "false" : v;
    }
    if (is_list(*o)) {
      std::string items;
      for (const std::string& v : values) items += (items.empty() ? "" : ", ") + toml_string(v);
      out += fmt::format("{} = [{}]\n", key, items);
    } else if (values.empty()) {
      out += fmt::format("# {} = (not set)\n", key);
    } else {
      out += fmt::format("{} = {}\n", key, toml_string(values.back()));
    }
  }
  return out;
}

}  // namespace tx86::fe
