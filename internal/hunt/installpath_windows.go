//go:build windows

package hunt

import (
	"os"

	"golang.org/x/sys/windows/registry"
)

// LiveInstallPaths returns the Exchange install folders this Windows machine names: the
// MsiInstallPath registry value and the ExchangeInstallPath environment variable. They matter
// when Exchange sits on another drive than the root being hunted.
func LiveInstallPaths() []string {
	var out []string
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Microsoft\ExchangeServer\v15\Setup`, registry.QUERY_VALUE|registry.WOW64_64KEY)
	if err == nil {
		if v, _, err := k.GetStringValue("MsiInstallPath"); err == nil && v != "" {
			out = append(out, v)
		}
		k.Close()
	}
	if v := os.Getenv("ExchangeInstallPath"); v != "" {
		out = append(out, v)
	}
	return out
}
