package main

import (
	"encoding/json"
	"os"
)

// groundTruth is DIR/ground-truth.json: every injected chain with the exact rows it wrote.
type groundTruth struct {
	Generator string       `json:"generator"`
	Seed      uint64       `json:"seed"`
	SizeBytes int64        `json:"size_bytes"`
	Start     string       `json:"start"`
	End       string       `json:"end"`
	Days      int          `json:"days"`
	Chains    []truthChain `json:"chains"`
}

type truthChain struct {
	ID       int        `json:"id"`
	Kind     string     `json:"kind"`
	ClientIP string     `json:"client_ip"`
	Expected string     `json:"expected_verdict"`
	First    string     `json:"first"`
	Last     string     `json:"last"`
	Rows     []truthRow `json:"rows"`
}

// truthRow is one injected row: File is relative to DIR with '/' separators, Line is 1-based
// and counts the header lines. Marker is set when the row does not carry the client address
// (OAB generator rows) and names what identifies it instead.
type truthRow struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Time   string `json:"time"`
	What   string `json:"what"`
	Marker string `json:"marker,omitempty"`
}

func writeTruth(path string, gt *groundTruth) error {
	b, err := json.MarshalIndent(gt, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
