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
		return &NameError{kind, name, NameEmpty}
	case len(name) > MaxNameLen:
		return &NameError{kind, name, NameTooLong}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '.' || c == '_' || c == '-'))
		if !ok {
			return &NameError{kind, name, NameNotAllowed}
		}
		if c == '.' && i+1 < len(name) && name[i+1] == '.' {
			return &NameError{kind, name, NameDoubleDot}
		}
	}
	return nil
}

// NameRule is the rule of ValidateName a name breaks.
type NameRule int

// The rules of ValidateName.
const (
	NameEmpty NameRule = iota
	NameTooLong
	NameNotAllowed
	NameDoubleDot
)

// NameError is a name ValidateName refused, and why: the panel says it in its
// user's language.
type NameError struct {
	Kind string // "customer", "FTP login", ...
	Name string
	Rule NameRule
}

func (e *NameError) Error() string {
	switch e.Rule {
	case NameEmpty:
		return fmt.Sprintf("%s name must not be empty", e.Kind)
	case NameTooLong:
		return fmt.Sprintf("%s name %q is too long (at most %d characters)", e.Kind, e.Name, MaxNameLen)
	case NameNotAllowed:
		return fmt.Sprintf("%s name %q is not allowed: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit", e.Kind, e.Name)
	}
	return fmt.Sprintf("%s name %q must not contain \"..\"", e.Kind, e.Name)
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
