package store

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxNameLen is the longest name or login accepted.
const MaxNameLen = 32

// ValidateName checks a panel user, customer or FTP login name. Names become
// directory names under the data directory, so the rule is strict: lowercase
// letters, digits, '.', '_' and '-', starting with a letter or digit, no "..".
func ValidateName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s name must not be empty", kind)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%s name %q is too long (at most %d characters)", kind, name, MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '.' || c == '_' || c == '-'))
		if !ok {
			return fmt.Errorf("%s name %q is not allowed: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit", kind, name)
		}
		if c == '.' && i+1 < len(name) && name[i+1] == '.' {
			return fmt.Errorf("%s name %q must not contain \"..\"", kind, name)
		}
	}
	return nil
}

// Password length limits: bcrypt reads at most 72 bytes.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// ErrWeakPassword is wrapped by ValidatePassword's errors.
var ErrWeakPassword = errors.New("password rejected")

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Errorf("%w: it must have at least %d characters", ErrWeakPassword, MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("%w: it must be at most %d bytes long", ErrWeakPassword, MaxPasswordLen)
	case !utf8.ValidString(pw):
		return fmt.Errorf("%w: it is not valid UTF-8", ErrWeakPassword)
	}
	return nil
}
