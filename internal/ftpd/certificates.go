package ftpd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Certificates is the FTPS certificate pair, reloadable while the server runs:
// every new TLS handshake asks it for the newest pair, so a reload reaches the
// next connection and leaves those already encrypted as they are. A pair that
// does not load, or whose key does not match, keeps the one loaded before.
type Certificates struct {
	certFile, keyFile string
	log               *slog.Logger
	now               func() time.Time

	current atomic.Pointer[Certificate]
	config  *tls.Config

	mu        sync.Mutex // one reload at a time
	attempted fileStamps // the files as the last reload found them
}

// Certificate is a loaded pair: its leaf certificate and when it was loaded.
type Certificate struct {
	pair     tls.Certificate
	Leaf     *x509.Certificate
	LoadedAt time.Time
}

// OpenCertificates loads the pair in certFile and keyFile, or, with none given
// and enabled, the self-signed pair kept in DATA/tls (made on first use). It
// returns nil when FTPS is off. log may be nil.
func OpenCertificates(dataDir, certFile, keyFile string, enabled bool, log *slog.Logger) (*Certificates, error) {
	certFile, keyFile, err := certificateFiles(dataDir, certFile, keyFile, enabled)
	if err != nil || certFile == "" {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Certificates{certFile: certFile, keyFile: keyFile, log: log, now: time.Now}
	c.config = &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return &c.current.Load().pair, nil
		},
	}
	if _, err := c.load(); err != nil {
		return nil, fmt.Errorf("FTPS certificate: %w", err)
	}
	return c, nil
}

// TLSConfig is the FTP server's TLS configuration: one for the server's life,
// handing each handshake the pair loaded last. A data connection that resumes
// its control connection's TLS session (as FileZilla's do) is sent no
// certificate, so a session's client keeps seeing the one it started with.
func (c *Certificates) TLSConfig() *tls.Config { return c.config }

// Current is the pair in use.
func (c *Certificates) Current() *Certificate { return c.current.Load() }

// Reload loads the pair again, as SIGHUP asks; why names the cause in the log.
// On failure the pair in use stays, and the log says why.
func (c *Certificates) Reload(why string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reloadLocked(why)
}

func (c *Certificates) reloadLocked(why string) error {
	cert, err := c.load()
	if err != nil {
		c.log.Error("FTPS certificate not reloaded: keeping the one in use",
			slog.String("reason", why), slog.String("cert", c.certFile), slog.String("key", c.keyFile), slog.Any("error", err))
		return err
	}
	c.log.Info("FTPS certificate loaded", slog.String("reason", why), slog.String("cert", c.certFile),
		slog.String("subject", cert.Leaf.Subject.String()), slog.Time("not_after", cert.Leaf.NotAfter))
	return nil
}

// load reads the pair and, when it is whole and matches, puts it in use. The
// files are stamped before they are read, so a change made while reading shows
// as a change at the next look.
func (c *Certificates) load() (*Certificate, error) {
	c.attempted = stampFiles(c.certFile, c.keyFile)
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, err
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, err
		}
	}
	cert := &Certificate{pair: pair, Leaf: pair.Leaf, LoadedAt: c.now()}
	c.current.Store(cert)
	return cert, nil
}

// CertificatePollInterval is how often Watch looks at the files.
const CertificatePollInterval = 2 * time.Second

// Watch reloads the pair when either file changes, until ctx ends. It polls:
// every interval it stats both files, following symbolic links, and compares
// file identity, size and modification time. Renewals replace files in many
// ways — written in place, renamed into place, a symbolic link turned
// to a new file (certbot's live/ directory), a directory of links swapped
// (Kubernetes secrets), on network file systems that send no change events —
// and two stats every few seconds see each of them, where watching a directory
// for events misses a link's target changing elsewhere. A change is loaded
// once the files have stayed the same for one interval, so that a certificate
// and key written one after the other are loaded as a pair.
func (c *Certificates) Watch(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	c.mu.Lock()
	last := c.attempted
	c.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := stampFiles(c.certFile, c.keyFile)
		if !now.same(last) {
			last = now // still changing, or just changed: look again next time
			continue
		}
		c.mu.Lock()
		if !now.same(c.attempted) {
			c.reloadLocked("the certificate or key file changed")
		}
		c.mu.Unlock()
	}
}

// fileStamps is what Watch compares of the two files.
type fileStamps [2]fileStamp

type fileStamp struct {
	info os.FileInfo // nil when the file could not be read
	err  string
}

func stampFiles(certFile, keyFile string) fileStamps {
	return fileStamps{stampFile(certFile), stampFile(keyFile)}
}

func stampFile(name string) fileStamp {
	fi, err := os.Stat(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the reason, not the path, which is the same every time
		}
		return fileStamp{err: err.Error()}
	}
	return fileStamp{info: fi}
}

func (a fileStamps) same(b fileStamps) bool {
	for i := range a {
		x, y := a[i], b[i]
		if x.info == nil || y.info == nil {
			if (x.info == nil) != (y.info == nil) || x.err != y.err {
				return false
			}
			continue
		}
		if !os.SameFile(x.info, y.info) || x.info.Size() != y.info.Size() || !x.info.ModTime().Equal(y.info.ModTime()) {
			return false
		}
	}
	return true
}
