package rules

import (
	"embed"
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"
)

// The built-in rule pack. pack/pack.yaml carries the pack's version and changelog; every other
// YAML file in pack/ holds rules.
//
//go:embed pack
var packFS embed.FS

// PackManifest is pack/pack.yaml.
type PackManifest struct {
	Schema    int      `yaml:"schema"`
	Version   string   `yaml:"version"`
	Changelog []string `yaml:"changelog"`
}

// Default loads the built-in pack. An error here is a bug in this build, caught by the tests.
func Default(s Schema) (*Pack, error) {
	sub, err := fs.Sub(packFS, "pack")
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(sub, "pack.yaml")
	if err != nil {
		return nil, err
	}
	var m PackManifest
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("built-in pack.yaml: %v", err)
	}
	if m.Schema != SchemaVersion {
		return nil, fmt.Errorf("built-in pack has schema %d, this build reads %d", m.Schema, SchemaVersion)
	}
	rs, err := LoadFS(sub, "builtin", s)
	if err != nil {
		return nil, err
	}
	p := &Pack{Schema: m.Schema, Version: m.Version}
	if err := p.Add(rs); err != nil {
		return nil, err
	}
	return p, nil
}
