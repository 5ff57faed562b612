package main

import (
	"io"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAccountLimitAccuracy measures how close downloads under an
// account's limit come to it: one session downloads a 512 KiB file per
// iteration under a 2 MiB/s limit, and pct_of_limit is the bytes moved over
// what the limit allowed in the time taken, commands between files included.
// It measures; it asserts nothing.
func BenchmarkAccountLimitAccuracy(b *testing.B) {
	const limit, size = 2 << 20, 512 << 10
	in := start(b)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.mustCLI("", "ftp-user", "limit", "bob", "--down", "2M")
	writeFile(b, filepath.Join(in.home("acme", "bob"), "f.bin"), size)
	c := in.ftpLogin("bob")
	b.SetBytes(size)
	var moved int64
	start := time.Now()
	for b.Loop() {
		r, err := c.Retr("f.bin")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err != nil || n != size {
			b.Fatalf("download: %d bytes, %v", n, err)
		}
		moved += n
	}
	b.ReportMetric(100*float64(moved)/(limit*time.Since(start).Seconds()), "pct_of_limit")
}
