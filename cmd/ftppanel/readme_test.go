package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's configuration reference from serve's flags (make docs)")

// The markers around README.md's configuration reference.
const (
	referenceStart = "<!-- configuration reference: made from serve's flags by `make docs`; TestREADMEConfigReference checks it -->\n"
	referenceEnd   = "<!-- end of the configuration reference -->\n"
)

// configReference is the table of serve's options: flag, variable, default and
// what each sets, from the flags themselves.
func configReference(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("| option (config file key) | environment | default | what it sets |\n|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	fs.VisitAll(func(f *flag.Flag) {
		if !settable(f.Name) {
			return
		}
		placeholder, usage := flag.UnquoteUsage(f)
		option := "`--" + f.Name
		if placeholder != "" {
			option += " " + placeholder
		}
		option += "`"
		def := "(none)"
		if f.DefValue != "" {
			def = "`" + f.DefValue + "`"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", cell(option), envName(f.Name), cell(def), cell(usage))
	})
	return b.String()
}

// TestREADMEConfigReference keeps README.md's configuration reference true: it
// is the table configReference makes from serve's flags, so a new or changed
// flag fails this test until `make docs` writes it there.
func TestREADMEConfigReference(t *testing.T) {
	t.Parallel()
	const path = "../../README.md"
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(text), referenceStart)
	current, after, ok2 := strings.Cut(rest, referenceEnd)
	if !ok1 || !ok2 {
		t.Fatalf("README.md lacks the configuration reference's markers:\n%s%s", referenceStart, referenceEnd)
	}
	want := configReference(serveFlags(t))
	if current == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(before+referenceStart+want+referenceEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("README.md's configuration reference rewritten")
		return
	}
	t.Errorf("README.md's configuration reference is not serve's options; run `make docs`.\nwant:\n%s\nhave:\n%s", want, current)
}

// TestConfigReferenceNamesEveryOption makes sure the reference can fail: it
// has a row for each option, with its variable.
func TestConfigReferenceNamesEveryOption(t *testing.T) {
	t.Parallel()
	fs := serveFlags(t)
	ref := configReference(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if settable(f.Name) && !strings.Contains(ref, "| `--"+f.Name) {
			t.Errorf("the reference has no row for --%s", f.Name)
		}
		if settable(f.Name) && !strings.Contains(ref, "`"+envName(f.Name)+"`") {
			t.Errorf("the reference does not name %s", envName(f.Name))
		}
	})
	if strings.Contains(ref, "--"+configFlag+" ") || strings.Contains(ref, printConfigFlag) {
		t.Error("the reference lists --config or --print-config as settings")
	}
}
