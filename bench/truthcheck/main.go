// Command truthcheck scores an exsweep JSON report against the ground truth that
// bench/loggen wrote:
//
//	go run ./bench/truthcheck -truth DIR/ground-truth.json -report report.json
//	go run ./bench/truthcheck DIR report.json
//
// It prints "chains found: X/Y, false incidents: Z" and the details of every miss and false
// incident, and exits 1 when there is any, 2 when it cannot read its input.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "truthcheck:", err)
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	fs := flag.NewFlagSet("truthcheck", flag.ContinueOnError)
	truthPath := fs.String("truth", "", "loggen's ground-truth.json (or the directory holding it)")
	reportPath := fs.String("report", "", "exsweep's JSON report")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	rest := fs.Args()
	if *truthPath == "" && len(rest) > 0 {
		*truthPath, rest = rest[0], rest[1:]
	}
	if *reportPath == "" && len(rest) > 0 {
		*reportPath, rest = rest[0], rest[1:]
	}
	if *truthPath == "" || *reportPath == "" || len(rest) > 0 {
		return 2, errors.New("usage: truthcheck -truth ground-truth.json -report report.json")
	}
	if st, err := os.Stat(*truthPath); err == nil && st.IsDir() {
		*truthPath = filepath.Join(*truthPath, "ground-truth.json")
	}
	var t truth
	if err := readJSON(*truthPath, &t); err != nil {
		return 2, err
	}
	var r report
	if err := readJSON(*reportPath, &r); err != nil {
		return 2, err
	}
	res, err := check(&t, &r)
	if err != nil {
		return 2, err
	}
	fmt.Print(res.String())
	if !res.ok() {
		return 1, nil
	}
	return 0, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
