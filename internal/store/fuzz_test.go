package store

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the names and passwords people type: `go test -fuzz FuzzX`
// explores; a plain `go test` runs the seeds below as tests.

var nameShape = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)

// FuzzValidateName: a name is accepted exactly when it has the documented shape,
// and an accepted name is one plain directory name, so homes stay where they belong.
func FuzzValidateName(f *testing.F) {
	for _, seed := range []string{"bob", "a", "web-1.site_2", "", ".", "..", "a..b", "a.", "-a", "_a", "Bob", "a/b", `a\b`,
		"a b", "é", strings.Repeat("a", 32), strings.Repeat("a", 33), "a\x00", "a\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName("FTP login", name)
		want := nameShape.MatchString(name) && !strings.Contains(name, "..")
		if (err == nil) != want {
			t.Fatalf("ValidateName(%q) = %v, want accepted %v", name, err, want)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "FTP login name") {
				t.Fatalf("error %q does not say what was refused", err)
			}
			return
		}
		if filepath.Base(name) != name || filepath.Clean(name) != name || name == "." || filepath.IsAbs(name) {
			t.Fatalf("accepted %q, which is not one plain directory name", name)
		}
	})
}

// FuzzValidatePassword: a password is accepted exactly when it is valid UTF-8
// with at least 8 characters and at most 72 bytes (bcrypt ignores the rest).
func FuzzValidatePassword(f *testing.F) {
	for _, seed := range []string{"", "short", "12345678", "ééééééé", "éééééééé", strings.Repeat("x", 72), strings.Repeat("x", 73),
		strings.Repeat("é", 36), strings.Repeat("é", 37), "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "pass word with spaces"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := ValidatePassword(pw)
		want := utf8.ValidString(pw) && utf8.RuneCountInString(pw) >= MinPasswordLen && len(pw) <= MaxPasswordLen
		if (err == nil) != want {
			t.Fatalf("ValidatePassword(%q) = %v, want accepted %v", pw, err, want)
		}
		if err != nil && len(pw) >= MinPasswordLen && strings.Contains(err.Error(), pw) {
			t.Fatalf("the error %q repeats the password", err)
		}
	})
}
