package templates

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/ftppanel/ftppanel/internal/i18n"
)

// T is the message id in the request's language; args are pairs of a
// placeholder's name and its value.
func T(ctx context.Context, id string, args ...any) string {
	return i18n.From(ctx).T(id, args...)
}

// N is the message id in the plural form for count ({{.Count}} in the message).
func N(ctx context.Context, id string, count int, args ...any) string {
	return i18n.From(ctx).N(id, count, args...)
}

// Lang is the request's language, for <html lang>.
func Lang(ctx context.Context) string { return i18n.From(ctx).Tag() }

// Num writes a whole number as the request's language does.
func Num(ctx context.Context, n int) string { return i18n.From(ctx).Number(n) }

// When is an instant's text in the request's language.
func When(ctx context.Context, t Time) string {
	if t.At.IsZero() {
		return t.Text
	}
	return i18n.From(ctx).Time(t.At)
}

// TH is the message id with parts of markup: an argument that is a component
// (Strong, Code) is rendered in its place; every other text is escaped. It
// keeps sentences whole for translators while words in them stay marked up.
func TH(id string, args ...any) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var parts []templ.Component
		data := make([]any, len(args))
		copy(data, args)
		for i := 1; i < len(data); i += 2 {
			if c, ok := data[i].(templ.Component); ok {
				data[i] = "\x00" + strconv.Itoa(len(parts)) + "\x00"
				parts = append(parts, c)
			}
		}
		text := html.EscapeString(i18n.From(ctx).T(id, data...))
		for j, piece := range strings.Split(text, "\x00") {
			if j%2 == 0 {
				if _, err := io.WriteString(w, piece); err != nil {
					return err
				}
				continue
			}
			n, _ := strconv.Atoi(piece)
			if err := parts[n].Render(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// Day is the day of an instant in the request's language; fallback when the
// instant is not known.
func Day(ctx context.Context, t Time, fallback string) string {
	if t.At.IsZero() {
		return fallback
	}
	return i18n.From(ctx).Date(t.At)
}

// SessionCountForms is "1 session", "2 sessions" for the page's script, as
// JSON: a few counts, each with "{n}" for the count (i18n.CountForms).
func SessionCountForms(ctx context.Context) string {
	b, _ := json.Marshal(i18n.From(ctx).CountForms("SessionCount"))
	return string(b)
}

// Limit writes a speed limit in bytes per second in the request's language.
func Limit(ctx context.Context, bps int64) string { return i18n.From(ctx).Limit(bps) }
