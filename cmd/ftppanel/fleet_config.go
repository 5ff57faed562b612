package main

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ftppanel/ftppanel/internal/fleet"
)

// The options that make this node one of a fleet over NATS: --nats-url joins
// NATS servers, --nats-listen runs one inside this node. Without either the
// node is alone, as before.

// natsTokenFile, in the data directory, keeps the token that --nats-listen's
// server asks of every client when --nats-token gives none.
const natsTokenFile = "nats-token"

// natsStoreDir, in the data directory, is where --nats-listen's server keeps
// JetStream's state (the fleet's bans).
const natsStoreDir = "nats"

// minNATSTokenLen is the shortest token --nats-listen's server takes.
const minNATSTokenLen = 16

// natsSchemes are the URL schemes a NATS client dials.
var natsSchemes = []string{"nats", "tls", "ws", "wss"}

// natsURLsFlag is --nats-url: NATS server URLs, comma-separated.
type natsURLsFlag struct{ urls []string }

// String shows the URLs with what signs in (a user and password, or a token)
// masked, for --print-config.
func (f *natsURLsFlag) String() string {
	items := make([]string, len(f.urls))
	for i, u := range f.urls {
		items[i] = redactURL(u)
	}
	return strings.Join(items, ",")
}

func (f *natsURLsFlag) Set(s string) error {
	var urls []string
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		u, err := url.Parse(item)
		if err != nil || u.Host == "" || !slices.Contains(natsSchemes, u.Scheme) {
			return fmt.Errorf("%q is not a NATS server URL such as nats://nats1.example.com:4222 (schemes: %s)",
				redactURL(item), strings.Join(natsSchemes, ", "))
		}
		urls = append(urls, item)
	}
	f.urls = urls
	return nil
}

func (f *natsURLsFlag) separator() string { return "," }

// redactURL masks the user information of a URL, which holds a password or a
// token; text that is no URL is masked whole if it might hold one.
func redactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		if strings.Contains(s, "@") {
			return "********"
		}
		return s
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		return scheme + "://********" + rest[at:]
	}
	return s
}

// inFleet reports whether this node joins a fleet.
func (cfg *serveConfig) inFleet() bool { return len(cfg.NATSURLs.urls) > 0 || cfg.NATSListen != "" }

// checkFleet is check's part for the fleet's options. It names this node after
// its host when --node is not given and the node joins a fleet.
func (cfg *serveConfig) checkFleet() error {
	invalid := func(name string, format string, args ...any) error {
		return &optionError{name: name, err: fmt.Errorf(format, args...)}
	}
	joins, listens := len(cfg.NATSURLs.urls) > 0, cfg.NATSListen != ""
	if joins && listens {
		return invalid("nats-listen", "a node either runs the fleet's NATS server (--nats-listen; the other nodes join it "+
			"with --nats-url) or joins NATS servers (--nats-url), not both; for more than one NATS server, "+
			"run a NATS cluster (README, Fleet)")
	}
	if cfg.Node != "" {
		if err := nodeNameError(cfg.Node); err != nil {
			return invalid("node", "%v", err)
		}
	} else if joins || listens {
		host, err := cfg.lookupHostname()
		if err != nil {
			return invalid("node", "this host's name cannot be read (%v); name this node with --node NAME", err)
		}
		name := strings.ToLower(host)
		if err := nodeNameError(name); err != nil {
			return invalid("node", "the host name %q cannot name this node: %v; name it with --node NAME", host, err)
		}
		cfg.Node = name
	}
	if listens {
		if err := checkListenAddr(cfg.NATSListen); err != nil {
			return invalid("nats-listen", "%v", err)
		}
		if cfg.NATSToken != "" {
			if err := checkListenToken(cfg.NATSToken); err != nil {
				return invalid("nats-token", "%v", err)
			}
		}
	}
	if cfg.NATSToken != "" && !joins && !listens {
		return invalid("nats-token", "only used with --nats-listen or --nats-url")
	}
	for _, o := range []struct {
		name, file string
		check      func([]byte) error
	}{{"nats-creds", cfg.NATSCreds, checkCreds}, {"nats-ca", cfg.NATSCA, checkCA}} {
		if o.file == "" {
			continue
		}
		if !joins {
			return invalid(o.name, "only used with --nats-url")
		}
		data, err := readOptionFile(o.file)
		if err == nil {
			err = o.check(data)
		}
		if err != nil {
			return invalid(o.name, "%q: %v", o.file, err)
		}
	}
	return nil
}

// lookupHostname is the host's name: os.Hostname, unless a test says otherwise.
func (cfg *serveConfig) lookupHostname() (string, error) {
	if cfg.hostname != nil {
		return cfg.hostname()
	}
	return os.Hostname()
}

// nodeNameError is why a node name is refused, without the option's name,
// which the caller adds.
func nodeNameError(name string) error {
	err := fleet.CheckNode(name)
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

// checkListenAddr checks --nats-listen's HOST:PORT.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT, such as 127.0.0.1:4222 or :4222", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q: the port must be a number from 0 to 65535", addr)
	}
	return nil
}

// checkListenToken checks a token for --nats-listen's server: long enough not
// to be guessed, and written as it is in nats://TOKEN@HOST:PORT.
func checkListenToken(token string) error {
	if len(token) < minNATSTokenLen {
		return fmt.Errorf("too short: at least %d characters", minNATSTokenLen)
	}
	for _, c := range []byte(token) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return errors.New("use only letters, digits, '-', '.', '_' and '~', so that it goes as it is in nats://TOKEN@HOST:PORT")
		}
	}
	return nil
}

// readOptionFile reads a file an option names, saying plainly why it cannot.
func readOptionFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New("no such file")
	case errors.Is(err, fs.ErrPermission):
		return nil, errors.New("not readable by this user")
	case errors.As(err, &pathErr):
		return nil, pathErr.Err
	}
	return nil, err
}

// checkCreds checks that a file is a NATS credentials file: a user's JWT and
// its key's seed.
func checkCreds(data []byte) error {
	for _, block := range []string{"NATS USER JWT", "USER NKEY SEED"} {
		if !strings.Contains(string(data), "-----BEGIN "+block+"-----") {
			return fmt.Errorf("not a NATS credentials file (no %q block)", block)
		}
	}
	return nil
}

// checkCA checks that a file holds a CA certificate in PEM.
func checkCA(data []byte) error {
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		return errors.New("holds no PEM certificate")
	}
	return nil
}

// fleetConfig is the fleet's part of the configuration, for a checked
// configuration: ok is false for a node alone (no --nats-url, no
// --nats-listen). With --nats-listen, server is the NATS server to run inside
// this node and the node connects to it in process (the caller sets
// fleet.Config.Server); its token is --nats-token or the one in
// DATA/nats-token, which the first start generates and prints to out, once.
func (cfg *serveConfig) fleetConfig(out io.Writer) (fc fleet.Config, server *fleet.ServerConfig, ok bool, err error) {
	if !cfg.inFleet() {
		return fleet.Config{}, nil, false, nil
	}
	fc = fleet.Config{
		URLs:      slices.Clone(cfg.NATSURLs.urls),
		Node:      cfg.Node,
		CredsFile: cfg.NATSCreds,
		CAFile:    cfg.NATSCA,
		Token:     cfg.NATSToken,
	}
	if cfg.NATSListen != "" {
		token, err := cfg.natsListenToken(out)
		if err != nil {
			return fleet.Config{}, nil, false, err
		}
		fc.Token = token
		server = &fleet.ServerConfig{
			Listen:   cfg.NATSListen,
			Token:    token,
			StoreDir: filepath.Join(cfg.DataDir, natsStoreDir),
		}
	}
	return fc, server, true, nil
}

// natsListenToken is the token of --nats-listen's server: --nats-token, or the
// one kept in DATA/nats-token, generated and printed on the first start.
func (cfg *serveConfig) natsListenToken(out io.Writer) (string, error) {
	if cfg.NATSToken != "" {
		return cfg.NATSToken, nil
	}
	path := filepath.Join(cfg.DataDir, natsTokenFile)
	if token, err := readNATSToken(path); !errors.Is(err, fs.ErrNotExist) {
		return token, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	token := rand.Text()
	created, err := createFile(path, token+"\n")
	if err != nil {
		return "", fmt.Errorf("NATS token: %w", err)
	}
	if !created { // another start got there first: its token is the one
		return readNATSToken(path)
	}
	host, port, _ := net.SplitHostPort(cfg.NATSListen)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "HOST"
	}
	fmt.Fprintf(out, "NATS token (shown only this once; kept in %s): %s\n"+
		"Other nodes join with --nats-url nats://%s@%s\n", path, token, token, net.JoinHostPort(host, port))
	return token, nil
}

// readNATSToken reads the token kept in path.
func readNATSToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return "", fmt.Errorf("NATS token: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if err := checkListenToken(token); err != nil {
		return "", fmt.Errorf("NATS token in %s: %v; delete the file for a new one, or give --nats-token", path, err)
	}
	return token, nil
}

// createFile writes a new file, mode 0600, whole or not at all: it reports
// false, and leaves the file alone, when path is already there.
func createFile(path, text string) (created bool, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(text)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	// A link, unlike a rename, never replaces a file that is there.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// nodeName is the name this node's sessions carry: --node, or when it is alone
// and has none, the host's name when that is a valid name.
func (cfg *serveConfig) nodeName() string {
	if cfg.Node != "" {
		return cfg.Node
	}
	host, err := cfg.lookupHostname()
	if name := strings.ToLower(host); err == nil && nodeNameError(name) == nil {
		return name
	}
	return ""
}
