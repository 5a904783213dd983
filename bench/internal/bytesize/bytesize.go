// Package bytesize reads the byte counts the benchmark generators take as flags (20MB, 2GB, 1.5GiB,
// 64K). One reader, so the generators agree on what a size means.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads 500MB, 2GB, 1.5GiB, 64K or a plain byte count. Units are binary.
func Parse(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
		{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 500MB, 2GB)", s)
	}
	return int64(v * float64(mult)), nil
}
