// An error in what the user asked for (a missing ROM, a bad size, a bad
// option): reported as one line naming the problem, exit status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace tx86::core {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace tx86::core
