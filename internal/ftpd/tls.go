package ftpd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// LoadTLS returns the FTPS configuration: the certificate in certFile and keyFile
// when given, else, when enabled, a self-signed one kept in DATA/tls (made on
// first use). It returns nil when FTPS is off. The serve command uses
// OpenCertificates, whose pair can be reloaded.
func LoadTLS(dataDir, certFile, keyFile string, enabled bool) (*tls.Config, error) {
	c, err := OpenCertificates(dataDir, certFile, keyFile, enabled, nil)
	if err != nil || c == nil {
		return nil, err
	}
	return c.TLSConfig(), nil
}

// certificateFiles names the files of the FTPS pair: the ones given, or the
// self-signed pair in DATA/tls, made on first use. None when FTPS is off.
func certificateFiles(dataDir, certFile, keyFile string, enabled bool) (string, string, error) {
	switch {
	case (certFile == "") != (keyFile == ""):
		return "", "", errors.New("--tls-cert and --tls-key go together")
	case certFile == "" && !enabled:
		return "", "", nil
	case certFile == "":
		dir := filepath.Join(dataDir, "tls")
		certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		if _, err := os.Stat(certFile); errors.Is(err, os.ErrNotExist) {
			if err := selfSign(dir, certFile, keyFile); err != nil {
				return "", "", fmt.Errorf("make a self-signed FTPS certificate: %w", err)
			}
		}
	}
	return certFile, keyFile, nil
}

// selfSign writes a self-signed certificate, valid ten years, and its key (0600).
func selfSign(dir, certFile, keyFile string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ftppanel FTPS", Organization: []string{"ftppanel"}},
		DNSNames:     []string{"localhost", host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}
