package panel

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"github.com/ftppanel/ftppanel/internal/store"
)

// userError is a message for the user, kept as a message id and its values so
// that the page says it in the user's language.
type userError struct {
	id   string
	args []any
}

func (e userError) Error() string { return i18n.For(i18n.Default).T(e.id, e.args...) }

// sayError is an error the user reads as message id.
func sayError(id string, args ...any) error { return userError{id, args} }

// nameKinds are the words for the kinds of name store.ValidateName checks.
var nameKinds = map[string]string{
	"customer":  i18n.Msg("KindCustomer"),
	"FTP login": i18n.Msg("KindFTPLogin"),
}

// errorText is err as the user reads it, in the request's language: the
// panel's own messages, refused names and speeds; anything else as it is.
func errorText(r *http.Request, err error) string {
	var ue userError
	if errors.As(err, &ue) {
		return tr(r, ue.id, ue.args...)
	}
	var ne *store.NameError
	if errors.As(err, &ne) {
		kind := ne.Kind
		if id, ok := nameKinds[kind]; ok {
			kind = tr(r, id)
		}
		switch ne.Rule {
		case store.NameEmpty:
			return tr(r, "NameEmpty", "Kind", kind)
		case store.NameTooLong:
			return tr(r, "NameTooLong", "Kind", kind, "Name", ne.Name, "Max", store.MaxNameLen)
		case store.NameNotAllowed:
			return tr(r, "NameNotAllowed", "Kind", kind, "Name", ne.Name)
		}
		return tr(r, "NameDoubleDot", "Kind", kind, "Name", ne.Name)
	}
	return err.Error()
}

// limitProblem says why format.ParseLimit refused text, in the request's
// language: "\"fast\" is not a rate: give bytes per second, …".
func limitProblem(r *http.Request, text string, err error) string {
	switch {
	case errors.Is(err, format.ErrNotRate):
		return tr(r, "LimitNotRate", "Text", strconv.Quote(text))
	case errors.Is(err, format.ErrTooFast):
		return tr(r, "LimitTooFast", "Text", strconv.Quote(text))
	}
	return err.Error()
}
