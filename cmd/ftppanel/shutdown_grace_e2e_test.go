package main

import (
	"bufio"
	"io"
	"net"
	"net/textproto"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMWithShutdownGraceLetsATransferFinish runs the real binary with
// --shutdown-grace and stops it with SIGTERM while one client downloads and
// another sits idle: the idle session is closed while the download is still
// held open by its client, the download then arrives whole with its 226, and
// the server exits 0.
func TestSIGTERMWithShutdownGraceLetsATransferFinish(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	data, env := binaryWithBob(t, bin)
	const size = 32 << 20
	writeFile(t, filepath.Join(data, "home", "acme", "bob", "big.bin"), size)

	serve := exec.Command(bin, "serve", "--data", data, "--ftp-addr", "127.0.0.1:0",
		"--http-addr", "127.0.0.1:0", "--passive-ports", "41100-41199", "--shutdown-grace", "5m")
	serve.Env = env
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	var ftpAddr string
	addrLine := regexp.MustCompile(`^FTP server listening on (\S+)`)
	for ftpAddr == "" && lines.Scan() {
		if m := addrLine.FindStringSubmatch(lines.Text()); m != nil {
			ftpAddr = m[1]
		}
	}
	if ftpAddr == "" {
		t.Fatalf("serve printed no FTP address\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)

	dial := func() *rawFTP {
		conn, err := net.DialTimeout("tcp", ftpAddr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		r := &rawFTP{t: t, conn: conn, text: textproto.NewConn(conn)}
		r.expect(220)
		r.login("bob")
		return r
	}
	idle := dial()
	loader := dial()
	loader.cmd(200, "TYPE I")
	dataConn := loader.passiveData()
	loader.cmd(150, "RETR big.bin")
	first, err := io.ReadFull(dataConn, make([]byte, 1<<20))
	if err != nil {
		t.Fatalf("read the first MiB: %v", err)
	}

	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The download is held open (nobody reads it), yet the idle session ends.
	if err := closedByServer(idle.conn); err != nil {
		t.Fatalf("the idle session: %v", err)
	}
	rest, err := io.Copy(io.Discard, dataConn)
	if err != nil || int64(first)+rest != size {
		t.Fatalf("download: %d bytes, %v; want %d", int64(first)+rest, err, size)
	}
	loader.expect(226)
	if err := serve.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\nstderr:\n%s", err, stderr.String())
	}
}
