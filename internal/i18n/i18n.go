// Package i18n puts the panel in its user's language: the catalogs (one TOML
// file per language, embedded), the choice of language from a browser's
// Accept-Language, and numbers, sizes, rates, durations and times written the
// way the language writes them.
package i18n

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Language is one language the panel speaks.
type Language struct {
	Tag  string // BCP 47, as in <html lang> and the catalog's file name: "pt-BR"
	Name string // in the language itself, for the switch: "Deutsch"
}

// Languages are the panel's languages, English (the source) first.
var Languages = []Language{
	{"en", "English"},
	{"de", "Deutsch"},
	{"es", "Español"},
	{"fr", "Français"},
	{"pt-BR", "Português (Brasil)"},
}

// Default is the language of a browser that asks for none the panel speaks.
const Default = "en"

//go:embed locales/*.toml
var catalogs embed.FS

var (
	bundle  = loadBundle()
	matcher = language.NewMatcher(tags())
	locales sync.Map // tag → *Locale
)

func tags() []language.Tag {
	t := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		t[i] = language.MustParse(l.Tag)
	}
	return t
}

func loadBundle() *goi18n.Bundle {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages {
		if _, err := b.LoadMessageFileFS(catalogs, CatalogFile(l.Tag)); err != nil {
			panic(fmt.Sprintf("i18n: catalog of %s: %v", l.Tag, err))
		}
	}
	return b
}

// CatalogFile is the path of a language's catalog within the embedded files.
func CatalogFile(tag string) string { return "locales/" + tag + ".toml" }

// Catalog is a language's catalog file as embedded, for tests that read it.
func Catalog(tag string) ([]byte, error) { return catalogs.ReadFile(CatalogFile(tag)) }

// Match picks the panel's language for an Accept-Language header ("de-AT,
// de;q=0.9, en;q=0.5" → "de"; "pt" → "pt-BR"); English for none it speaks.
func Match(acceptLanguage string) string {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		// One tag the parser does not know spoils the whole header: keep the
		// others, in their order of preference.
		prefs = prefs[:0]
		type pref struct {
			tag language.Tag
			q   float32
		}
		var each []pref
		for part := range strings.SplitSeq(acceptLanguage, ",") {
			if t, q, err := language.ParseAcceptLanguage(part); err == nil && len(t) == 1 {
				each = append(each, pref{t[0], q[0]})
			}
		}
		slices.SortStableFunc(each, func(a, b pref) int { return cmp.Compare(b.q, a.q) })
		for _, p := range each {
			prefs = append(prefs, p.tag)
		}
	}
	if len(prefs) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(prefs...)
	if conf == language.No {
		return Default
	}
	return Languages[i].Tag
}

// Supported returns the panel's spelling of tag ("pt-br" → "pt-BR") when the
// panel speaks exactly that language.
func Supported(tag string) (string, bool) {
	for _, l := range Languages {
		if strings.EqualFold(l.Tag, tag) {
			return l.Tag, true
		}
	}
	return "", false
}

// Locale writes the panel's texts in one language.
type Locale struct {
	tag      string
	loc      *goi18n.Localizer
	printer  *message.Printer
	plain    sync.Map // id → text, of the messages without values
	patterns sync.Map // id and value names → text with markers (localizeFast)
}

// For returns the Locale of a tag the panel speaks; English for any other.
func For(tag string) *Locale {
	tag, ok := Supported(tag)
	if !ok {
		tag = Default
	}
	if l, ok := locales.Load(tag); ok {
		return l.(*Locale)
	}
	l := &Locale{
		tag:     tag,
		loc:     goi18n.NewLocalizer(bundle, tag, Default),
		printer: message.NewPrinter(language.MustParse(tag)),
	}
	actual, _ := locales.LoadOrStore(tag, l)
	return actual.(*Locale)
}

// Tag is the locale's language, as <html lang> names it.
func (l *Locale) Tag() string { return l.tag }

// T is the message id, in the locale's language. args are pairs of a
// placeholder's name and its value: l.T(id, "Login", "bob", "IP", ip).
// A message missing from every catalog shows its id, which the catalog tests
// catch.
func (l *Locale) T(id string, args ...any) string {
	if len(args) == 0 {
		// Most of a page's texts have no values: each is worked out once.
		if text, ok := l.plain.Load(id); ok {
			return text.(string)
		}
		text := l.localize(id, nil, nil)
		l.plain.Store(id, text)
		return text
	}
	return l.localizeFast(id, args)
}

// N is the message id in the plural form for count, which the message knows as
// {{.Count}}, written as the language writes numbers.
func (l *Locale) N(id string, count int, args ...any) string {
	return l.localize(id, count, append(args, "Count", l.Number(count)))
}

// localizeFast is localize for a message with values and no count: the
// message is worked out once per set of value names, with markers for the
// values, which each call then replaces. The catalogs' messages only ever put
// values in ({{.Name}}; the catalog tests hold them to that), so this is what
// the template would write.
func (l *Locale) localizeFast(id string, args []any) string {
	var key strings.Builder
	key.WriteString(id)
	for i := 0; i+1 < len(args); i += 2 {
		key.WriteByte(0)
		key.WriteString(argName(args[i]))
	}
	pattern, ok := l.patterns.Load(key.String())
	if !ok {
		marked := make([]any, 0, len(args))
		for i := 0; i+1 < len(args); i += 2 {
			marked = append(marked, args[i], "\x01"+argName(args[i])+"\x02")
		}
		pattern, _ = l.patterns.LoadOrStore(key.String(), l.localize(id, nil, marked))
	}
	text := pattern.(string)
	if !strings.Contains(text, "\x01") {
		return text
	}
	var out strings.Builder
	out.Grow(len(text) + 16*len(args))
	for {
		before, rest, found := strings.Cut(text, "\x01")
		out.WriteString(before)
		if !found {
			return out.String()
		}
		name, after, _ := strings.Cut(rest, "\x02")
		for i := 0; i+1 < len(args); i += 2 {
			if argName(args[i]) == name {
				fmt.Fprint(&out, args[i+1])
				break
			}
		}
		text = after
	}
}

// argName is a value's name among a message's arguments.
func argName(name any) string {
	if s, ok := name.(string); ok {
		return s
	}
	return fmt.Sprint(name)
}

func (l *Locale) localize(id string, count any, args []any) string {
	data := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	text, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		return id
	}
	return text
}

// CountForms are a counted message's texts for a few counts that between them
// take every plural form of the language, by count, with "{n}" where the
// count goes: for a script, which picks the one of the same form as its count.
func (l *Locale) CountForms(id string) map[int]string {
	forms := map[int]string{}
	for _, n := range []int{0, 1, 2, 5, 1000000} {
		forms[n] = l.localize(id, n, []any{"Count", "{n}"})
	}
	return forms
}

// Msg marks a message id kept in a table (navigation, choices) to be written
// out with T later; it returns id as it is.
func Msg(id string) string { return id }

type localeKey struct{}

// WithLocale returns ctx for a request in l's language.
func WithLocale(ctx context.Context, l *Locale) context.Context {
	return context.WithValue(ctx, localeKey{}, l)
}

// From is the locale of a request's context; English when none was set.
func From(ctx context.Context) *Locale {
	if l, ok := ctx.Value(localeKey{}).(*Locale); ok {
		return l
	}
	return For(Default)
}
