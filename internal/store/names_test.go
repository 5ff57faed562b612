package store

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, name := range []string{"bob", "a.b-c_d", "x1", "1x", "a", strings.Repeat("a", MaxNameLen)} {
			if err := ValidateName("test", name); err != nil {
				t.Errorf("ValidateName(%q) = %v, want nil", name, err)
			}
		}
	})
	t.Run("Rejected", func(t *testing.T) {
		for _, name := range []string{
			"",
			"with space",
			"..",
			"a..b",
			"a..",
			"Upper",
			"bOb",
			"-lead",
			".lead",
			"_lead",
			"a/b",
			"a\\b",
			"a\x00b",
			"é",
			strings.Repeat("a", MaxNameLen+1),
			strings.Repeat("a", 40),
		} {
			if err := ValidateName("test", name); err == nil {
				t.Errorf("ValidateName(%q) = nil, want an error", name)
			}
		}
	})
	t.Run("KindInMessage", func(t *testing.T) {
		err := ValidateName("FTP login", "Bad")
		if err == nil || !strings.Contains(err.Error(), "FTP login") {
			t.Errorf("ValidateName(%q) = %v, want an error mentioning the kind", "Bad", err)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, pw := range []string{
			"12345678",
			"correct horse battery staple",
			strings.Repeat("x", MaxPasswordLen),
			strings.Repeat("é", MinPasswordLen), // 8 characters, 16 bytes
			strings.Repeat("é", MaxPasswordLen/2),
		} {
			if err := ValidatePassword(pw); err != nil {
				t.Errorf("ValidatePassword(%q) = %v, want nil", pw, err)
			}
		}
	})
	t.Run("Rejected", func(t *testing.T) {
		for _, tc := range []struct {
			name, pw, msg string
		}{
			{"Empty", "", "at least"},
			{"Short", "1234567", "at least"},
			{"ShortMultibyte", strings.Repeat("é", MinPasswordLen-1), "at least"}, // 14 bytes but 7 characters
			{"TooLong", strings.Repeat("x", MaxPasswordLen+1), "at most"},
			{"TooLongMultibyte", strings.Repeat("é", MaxPasswordLen/2+1), "at most"}, // 37 characters, 74 bytes
			{"InvalidUTF8", "password\xff", "UTF-8"},
			{"AllInvalidUTF8", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "UTF-8"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := ValidatePassword(tc.pw)
				if !errors.Is(err, ErrWeakPassword) {
					t.Fatalf("ValidatePassword(%q) = %v, want an error wrapping ErrWeakPassword", tc.pw, err)
				}
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("ValidatePassword(%q) = %q, want it to mention %q", tc.pw, err, tc.msg)
				}
			})
		}
	})
}
