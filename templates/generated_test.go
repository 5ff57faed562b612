package templates

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesAreFresh fails when a committed *_templ.go file is not
// what `templ generate` (the version pinned in go.mod) makes from the .templ
// file next to it. `make check-generated` runs this test.
//
// Two details of `templ generate -stdout -f FILE` shape how it is run here:
//
//   - It prints nothing when FILE's *_templ.go already exists with the same
//     content, so an empty output would mean "fresh" and a stale file would
//     print. To always get the full output, each .templ file is copied into a
//     scratch directory that has no *_templ.go next to it.
//   - The generated code names the .templ file, relative to -path, in its
//     runtime error values; `make generate` runs from the module root, so
//     the scratch directory mirrors the module layout.
func TestGeneratedFilesAreFresh(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go binary not found, cannot run `go tool templ`: %v", err)
	}

	pkgDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	modRoot := findModuleRoot(t, pkgDir)
	relPkg, err := filepath.Rel(modRoot, pkgDir)
	if err != nil {
		t.Fatal(err)
	}

	templFiles, err := filepath.Glob(filepath.Join(pkgDir, "*.templ"))
	if err != nil {
		t.Fatal(err)
	}
	if len(templFiles) == 0 {
		t.Fatalf("no .templ files in %s", pkgDir)
	}

	// A *_templ.go without its .templ is left over from a deleted or renamed
	// template; `make generate` deletes such files.
	goFiles, err := filepath.Glob(filepath.Join(pkgDir, "*_templ.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goFiles {
		src := strings.TrimSuffix(g, "_templ.go") + ".templ"
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s has no %s next to it: run `make generate` and commit the result",
				filepath.Base(g), filepath.Base(src))
		}
	}

	// Scratch copy of the module layout: <scratch>/go.mod (so templ's version
	// check finds the module) and <scratch>/<relPkg>/<name>.templ.
	scratch := t.TempDir()
	modFile, err := os.ReadFile(filepath.Join(modRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "go.mod"), modFile, 0o644); err != nil {
		t.Fatal(err)
	}
	scratchPkg := filepath.Join(scratch, relPkg)
	if err := os.MkdirAll(scratchPkg, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, templFile := range templFiles {
		name := filepath.Base(templFile)
		t.Run(name, func(t *testing.T) {
			goName := strings.TrimSuffix(name, ".templ") + "_templ.go"
			committed, err := os.ReadFile(filepath.Join(pkgDir, goName))
			if errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s is missing: run `make generate` and commit the result", goName)
			}
			if err != nil {
				t.Fatal(err)
			}

			src, err := os.ReadFile(templFile)
			if err != nil {
				t.Fatal(err)
			}
			scratchFile := filepath.Join(scratchPkg, name)
			if err := os.WriteFile(scratchFile, src, 0o644); err != nil {
				t.Fatal(err)
			}

			generated := templGenerate(t, goBin, modRoot, scratch, scratchFile)
			if bytes.Equal(committed, generated) {
				return
			}
			_, diff := firstDifference(committed, generated)
			t.Errorf("%s is stale: it is not what `go tool templ generate` makes from %s.\n"+
				"Run `make generate` and commit the result.\n%s",
				goName, name, diff)
		})
	}
}

// templGenerate runs `go tool templ generate -stdout -path dir -f file` in the
// module root (where go.mod pins templ) and returns what it prints.
func templGenerate(t *testing.T, goBin, modRoot, dir, file string) []byte {
	t.Helper()
	cmd := exec.Command(goBin, "tool", "templ", "generate", "-stdout", "-path", dir, "-f", file)
	cmd.Dir = modRoot
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	if stdout.Len() == 0 {
		t.Fatalf("%s printed nothing\n%s", strings.Join(cmd.Args, " "), stderr.String())
	}
	return stdout.Bytes()
}

// findModuleRoot returns the nearest directory at or above dir with a go.mod.
func findModuleRoot(t *testing.T, dir string) string {
	t.Helper()
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			t.Fatalf("no go.mod at or above %s", dir)
		}
		d = parent
	}
}

// firstDifference returns the first line (1-based) where got and want
// differ, and a description of it.
func firstDifference(got, want []byte) (int, string) {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		gl, wl := "<end of file>", "<end of file>"
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return i + 1, fmt.Sprintf("first difference at line %d:\n  committed: %q\n  generated: %q", i+1, gl, wl)
		}
	}
	return 0, "files differ"
}
