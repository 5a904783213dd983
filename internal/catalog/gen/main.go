// Command gen writes exsweep's Exchange build catalog from Microsoft's table of builds:
//
//	go run ./internal/catalog/gen -in /work/shared/data -out internal/catalog/data/catalog.yaml
//
// The output is committed; a test checks it still equals what this produces.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/exsweep/exsweep/internal/catalog/generate"
)

func main() {
	in := flag.String("in", "", "folder holding "+generate.MainCSV+" and "+generate.ExtraCSV)
	out := flag.String("out", "-", "file to write (- for standard output)")
	flag.Parse()
	if *in == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -in DATA_DIR [-out FILE]")
		os.Exit(2)
	}
	data, err := generate.FromDir(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if *out == "-" {
		_, err = os.Stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
