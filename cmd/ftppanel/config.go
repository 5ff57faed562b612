package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ftppanel/ftppanel/internal/store"
)

// A command's options come from its command line, the environment
// (FTPPANEL_FTP_ADDR for --ftp-addr) and a TOML config file (ftp-addr = ...),
// in that order of precedence, then from their defaults. Every flag of the
// command's flag set takes part, so a new flag needs nothing more.

// envPrefix starts the environment variable of every option.
const envPrefix = "FTPPANEL_"

// The options that say where the rest come from and what to do with them: they
// are not set in the config file.
const (
	configFlag      = "config"
	printConfigFlag = "print-config"
)

// envName is the environment variable of an option: --ftp-addr is FTPPANEL_FTP_ADDR.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Where an option's value came from.
const (
	fromDefault = "default"
	fromFlag    = "command line"
	fromEnv     = "environment"
	fromFile    = "config file"
)

// config is how a command's options were resolved.
type config struct {
	fs    *flag.FlagSet
	file  string            // the config file read, if any
	from  map[string]string // option → fromFlag, fromEnv or fromFile; absent: default
	print bool              // --print-config: print the options and stop
}

// parseConfig registers --config and --print-config on fs (unless they are
// there), parses args, and fills in every option not on the command line from
// the environment, then from the config file. It returns the positional
// arguments; stop says to return err at once (after --help, or on a bad
// command line or configuration).
func (c *cli) parseConfig(fs *flag.FlagSet, args []string) (cfg *config, positional []string, stop bool, err error) {
	if fs.Lookup(configFlag) == nil {
		c.addConfigFlags(fs)
	}
	if c.inspectFlags != nil {
		c.inspectFlags(fs)
		return nil, nil, true, nil
	}
	positional, stop, err = parseOrHelp(fs, args)
	if stop {
		return nil, nil, true, err
	}
	configPath := fs.Lookup(configFlag).Value.(flag.Getter).Get().(string)
	cfg = &config{fs: fs, from: map[string]string{}}
	cfg.print = fs.Lookup(printConfigFlag).Value.(flag.Getter).Get().(bool)
	fs.Visit(func(f *flag.Flag) { cfg.from[f.Name] = fromFlag })
	if cfg.from[configFlag] == "" {
		if v := c.getenv(envName(configFlag)); v != "" {
			configPath = v
			cfg.from[configFlag] = fromEnv
		}
	}
	cfg.file = configPath
	if err := cfg.applyEnv(c.getenv); err != nil {
		return nil, nil, true, err
	}
	if cfg.file != "" {
		if err := cfg.applyFile(); err != nil {
			return nil, nil, true, err
		}
	}
	return cfg, positional, false, nil
}

// addConfigFlags registers --config and --print-config, and adds to the usage
// the variable and the key of every option.
func (c *cli) addConfigFlags(fs *flag.FlagSet) {
	fs.String(configFlag, "", "read options from this TOML `FILE` (keys are the option names)")
	fs.Bool(printConfigFlag, false, "print the effective configuration, and where each value came from, then exit")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		out := fs.Output()
		fmt.Fprint(out, "\nEvery option can also come from the environment or from a key of the --config\n"+
			"file; the command line wins over the environment, which wins over the file:\n")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fs.VisitAll(func(f *flag.Flag) {
			if settable(f.Name) {
				fmt.Fprintf(tw, "  --%s\t%s\t%s = ...\n", f.Name, envName(f.Name), f.Name)
			}
		})
		tw.Flush()
		fmt.Fprintf(out, "The config file itself may be named by %s instead of --%s.\n", envName(configFlag), configFlag)
	}
}

// settable reports whether an option can come from the environment and the file.
func settable(name string) bool { return name != configFlag && name != printConfigFlag }

// applyEnv sets the options not given on the command line from their variables.
func (cfg *config) applyEnv(getenv env) error {
	var errs []error
	cfg.fs.VisitAll(func(f *flag.Flag) {
		if !settable(f.Name) || cfg.from[f.Name] != "" {
			return
		}
		v := getenv(envName(f.Name))
		if v == "" {
			return
		}
		if err := cfg.fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %s", envName(f.Name), v, badValue(f, v, err)))
			return
		}
		cfg.from[f.Name] = fromEnv
	})
	return errors.Join(errs...)
}

// applyFile sets the options given neither on the command line nor in the
// environment from the config file. An unknown key or a bad value is an error
// that names the file and the key.
func (cfg *config) applyFile() error {
	var values map[string]any
	if _, err := toml.DecodeFile(cfg.file, &values); err != nil {
		return fmt.Errorf("config file %s: %w", cfg.file, err)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	for _, key := range keys {
		f := cfg.fs.Lookup(key)
		if f == nil || !settable(key) {
			errs = append(errs, cfg.fileError(key, unknownKey(cfg.fs, key)))
			continue
		}
		text, err := tomlText(f, values[key])
		if err != nil {
			errs = append(errs, cfg.fileError(key, err))
			continue
		}
		if cfg.from[key] != "" {
			continue // the command line or the environment wins; the value is not parsed
		}
		if err := cfg.fs.Set(key, text); err != nil {
			errs = append(errs, cfg.fileError(key, errors.New(badValue(f, text, err))))
			continue
		}
		cfg.from[key] = fromFile
	}
	return errors.Join(errs...)
}

func (cfg *config) fileError(key string, err error) error {
	return fmt.Errorf("config file %s: key %q: %w", cfg.file, key, err)
}

// unknownKey explains a key that is no option, suggesting the one meant when
// only its spelling is off (ftp_addr for ftp-addr).
func unknownKey(fs *flag.FlagSet, key string) error {
	if !settable(key) {
		return fmt.Errorf("--%s is only taken on the command line", key)
	}
	if alt := strings.ToLower(strings.ReplaceAll(key, "_", "-")); alt != key && fs.Lookup(alt) != nil {
		return fmt.Errorf("unknown key; did you mean %q?", alt)
	}
	var known []string
	fs.VisitAll(func(f *flag.Flag) {
		if settable(f.Name) {
			known = append(known, f.Name)
		}
	})
	return fmt.Errorf("unknown key; the keys are %s", strings.Join(known, ", "))
}

// listSeparator is implemented by options that take a list, which the config
// file may give as a TOML array.
type listSeparator interface{ separator() string }

// tomlText turns a TOML value into the text the option's flag.Value parses.
func tomlText(f *flag.Flag, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case []any:
		list, ok := f.Value.(listSeparator)
		if !ok {
			return "", errors.New("is a list; this option takes one value")
		}
		items := make([]string, len(v))
		for i, item := range v {
			s, ok := item.(string)
			if !ok {
				return "", fmt.Errorf("item %d of the list is not a string", i+1)
			}
			items[i] = s
		}
		return strings.Join(items, list.separator()), nil
	case map[string]any:
		return "", errors.New("is a table; the config file has only top-level keys")
	default:
		return "", fmt.Errorf("a %T is not a value this option takes", v)
	}
}

// badValue says why an option refused a value, in terms of what it wants.
func badValue(f *flag.Flag, text string, err error) string {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			return fmt.Sprintf("%q is not true or false", text)
		case int, int64, uint, uint64:
			return fmt.Sprintf("%q is not a whole number", text)
		case float64:
			return fmt.Sprintf("%q is not a number", text)
		case time.Duration:
			return fmt.Sprintf("%q is not a duration such as 90s, 15m or 2h", text)
		}
	}
	return err.Error()
}

// invalid reports an option's value that parsed but cannot be used, naming
// where the value came from.
func (cfg *config) invalid(name string, err error) error {
	switch cfg.from[name] {
	case fromEnv:
		return fmt.Errorf("%s: %w", envName(name), err)
	case fromFile:
		return cfg.fileError(name, err)
	}
	return fmt.Errorf("--%s: %w", name, err)
}

// source says where an option's value came from, for --print-config.
func (cfg *config) source(name string) string {
	switch cfg.from[name] {
	case fromFlag:
		return "--" + name
	case fromEnv:
		return envName(name)
	case fromFile:
		return fromFile + " " + cfg.file
	}
	return fromDefault
}

// secret reports whether an option's value must not be printed.
func secret(name string) bool {
	return strings.Contains(name, "password") || strings.Contains(name, "secret") || strings.Contains(name, "token")
}

// write prints the effective configuration as a config file would hold it, with
// where each value came from.
func (cfg *config) write(w io.Writer, command string) error {
	fmt.Fprintf(w, "# ftppanel %s: the effective configuration (command line > environment > config file > default)\n", command)
	if cfg.file != "" {
		fmt.Fprintf(w, "# config file: %s (from %s)\n", cfg.file, cfg.source(configFlag))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cfg.fs.VisitAll(func(f *flag.Flag) {
		if !settable(f.Name) {
			return
		}
		fmt.Fprintf(tw, "%s = %s\t# %s\n", f.Name, tomlValue(f), cfg.source(f.Name))
	})
	return tw.Flush()
}

// tomlValue is an option's value as a TOML value: numbers and booleans bare,
// everything else a string.
func tomlValue(f *flag.Flag) string {
	if secret(f.Name) && f.Value.String() != "" {
		return `"********"`
	}
	if f.Name == "database" { // a URL with, perhaps, a password in it
		return tomlString(store.RedactURL(f.Value.String()))
	}
	if f.Name == "webhook-url" && f.Value.String() != "" { // perhaps a token in its query
		return tomlString(redactWebhookURL(f.Value.String()))
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool, int, int64, uint, uint64, float64:
			return f.Value.String()
		}
	}
	return tomlString(f.Value.String())
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
