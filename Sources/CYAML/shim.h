// libyaml's event parser, for the config reader (Sources/Daemon/Configuration/YAMLParser.swift).
#include <yaml.h>
