package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// sourceDirs hold the code that shows the panel's texts, from this package.
var sourceDirs = []string{"../../templates", "../panel", "."}

// messageUse finds a message id where the code uses one: T(ctx, "Id"),
// N(ctx, "Id", n), TH("Id", ...), Msg("Id"), l.T("Id"), tr(r, "Id"),
// sayError("Id").
var messageUse = regexp.MustCompile(`(?:\bT|\bN|\bTH|\bMsg|\.T|\.N|\btr|\bsayError)\((?:ctx, |r, )?"([A-Z][A-Za-z0-9]*)"`)

// usedIDs are the message ids the panel's code and templates use.
func usedIDs(t *testing.T) map[string][]string {
	t.Helper()
	used := map[string][]string{}
	for _, dir := range sourceDirs {
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			name := f.Name()
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") ||
				!strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".templ") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range messageUse.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = append(used[m[1]], filepath.Join(dir, name))
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d message ids in the code: has the way messages are called changed?", len(used))
	}
	return used
}

// catalog is a language's catalog as its file has it: id → form → text.
func catalog(t *testing.T, tag string) map[string]map[string]string {
	t.Helper()
	data, err := Catalog(tag)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", CatalogFile(tag), err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = map[string]string{"other": v}
		case map[string]any:
			out[id] = map[string]string{}
			for form, text := range v {
				out[id][form], _ = text.(string)
			}
		}
	}
	return out
}

func TestEveryUsedMessageIsInEveryCatalog(t *testing.T) {
	used := usedIDs(t)
	for _, l := range Languages {
		cat := catalog(t, l.Tag)
		var missing []string
		for id, where := range used {
			if _, ok := cat[id]; !ok {
				missing = append(missing, id+" (used in "+where[0]+")")
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d messages:\n%s", CatalogFile(l.Tag), len(missing), strings.Join(missing, "\n"))
		}
	}
}

func TestEveryCatalogEntryIsUsed(t *testing.T) {
	used := usedIDs(t)
	for _, l := range Languages {
		var unused []string
		for id := range catalog(t, l.Tag) {
			if _, ok := used[id]; !ok {
				unused = append(unused, id)
			}
		}
		sort.Strings(unused)
		if len(unused) > 0 {
			t.Errorf("%s has %d messages nothing uses: %s", CatalogFile(l.Tag), len(unused), strings.Join(unused, ", "))
		}
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.([A-Za-z]+)\s*}}`)

func placeholders(text string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// A translation fills in the same values as the English text: none lost (a
// login no longer named) and none made up (it would print "<no value>").
func TestTranslationsKeepThePlaceholders(t *testing.T) {
	en := catalog(t, "en")
	for _, l := range Languages[1:] {
		for id, forms := range catalog(t, l.Tag) {
			want := placeholders(en[id]["other"])
			for form, text := range forms {
				if got := placeholders(text); !slices.Equal(got, want) {
					t.Errorf("%s %s (%s): placeholders %v, English has %v", l.Tag, id, form, got, want)
				}
			}
		}
	}
}

// A message only puts values in ({{.Name}}): no other template actions, which
// Locale.T's shortcut would not run.
func TestMessagesOnlyPutValuesIn(t *testing.T) {
	action := regexp.MustCompile(`{{.*?}}`)
	for _, l := range Languages {
		for id, forms := range catalog(t, l.Tag) {
			for form, text := range forms {
				for _, a := range action.FindAllString(text, -1) {
					if !placeholder.MatchString(a) || placeholder.FindString(a) != a {
						t.Errorf("%s %s (%s) has the template action %s", l.Tag, id, form, a)
					}
				}
			}
		}
	}
}

// The shortcut of T writes what the message's template writes.
func TestTWritesWhatTheTemplateWrites(t *testing.T) {
	for _, l := range Languages {
		loc := For(l.Tag)
		for _, c := range [][]any{
			{"FlashDisconnected", "Login", "bob", "IP", "192.0.2.1"},
			{"LimitQuestionLimited", "Login", "<b>", "IP", "::1", "State", "idle", "Limit", "1 MiB/s"},
			{"DurationMinutes", "M", 3, "S", "07"},
		} {
			id := c[0].(string)
			for i := 0; i < 2; i++ { // the second call takes the shortcut's stored pattern
				if got, want := loc.T(id, c[1:]...), loc.localize(id, nil, c[1:]); got != want {
					t.Errorf("%s %s: T = %q, the template writes %q", l.Tag, id, got, want)
				}
			}
		}
	}
}

// Every counted message has each plural form its language uses, for the counts
// the panel shows, from none to millions.
func TestPluralFormsAreComplete(t *testing.T) {
	en := catalog(t, "en")
	for _, l := range Languages {
		loc := For(l.Tag)
		for id, forms := range en {
			if _, ok := forms["one"]; !ok {
				continue
			}
			for _, n := range []int{0, 1, 2, 5, 21, 1000, 1000000} {
				got := loc.N(id, n)
				if got == id || !strings.Contains(got, loc.Number(n)) {
					t.Errorf("%s %s for %d = %q", l.Tag, id, n, got)
				}
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for accept, want := range map[string]string{
		"de-AT":                   "de",
		"de-CH, en;q=0.5":         "de",
		"pt":                      "pt-BR",
		"pt-PT":                   "pt-BR",
		"pt-BR":                   "pt-BR",
		"es-419":                  "es",
		"fr-BE,fr;q=0.9":          "fr",
		"en-GB":                   "en",
		"ja":                      "en",
		"tlh, x-klingon":          "en",
		"":                        "en",
		"*":                       "en",
		"nl;q=0.9, fr;q=0.8":      "fr",
		"zz-ZZ;q=0.9, de;q=0.1":   "de",
		"de;q=0.1, es-ES;q=0.9":   "es",
		"garbage ;; q=not-number": "en",
	} {
		if got := Match(accept); got != want {
			t.Errorf("Match(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestFormatsPerLanguage(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		tag, rate, limit, duration, big, when string
	}{
		{"en", "1.5 MiB/s", "2.5 MiB/s", "2h 05m", "12,345", "2026-12-03 09:04:05 UTC"},
		{"de", "1,5 MiB/s", "2,5 MiB/s", "2 h 05 min", "12.345", "03.12.2026 09:04:05 UTC"},
		{"es", "1,5 MiB/s", "2,5 MiB/s", "2 h 05 min", "12.345", "03/12/2026 09:04:05 UTC"},
		{"fr", "1,5 MiB/s", "2,5 MiB/s", "2 h 05", "12\u00a0345", "03/12/2026 09:04:05 UTC"},
		{"pt-BR", "1,5 MiB/s", "2,5 MiB/s", "2 h 05 min", "12.345", "03/12/2026 09:04:05 UTC"},
	} {
		l := For(c.tag)
		got := []string{l.Rate(1.5 * mib), l.Limit(5 * mib / 2), l.Duration(125 * 60e9), l.Number(12345),
			l.Time(mustTime(t, "2026-12-03T09:04:05Z"))}
		want := []string{c.rate, c.limit, c.duration, c.big, c.when}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", c.tag, got, want)
		}
	}
	if got := For("de").Limit(0); got != "keine Begrenzung" {
		t.Errorf("de no limit = %q", got)
	}
	if For("xx").Tag() != "en" {
		t.Error("an unknown language is not English")
	}
}
