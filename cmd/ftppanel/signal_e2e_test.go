package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// TestSIGTERMClosesSessionsAndExitsZero runs the real binary, as a service manager
// would, and stops it with SIGTERM while a client is logged in.
func TestSIGTERMClosesSessionsAndExitsZero(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	data, env := binaryWithBob(t, bin)

	serve := exec.Command(bin, "serve", "--data", data, "--ftp-addr", "127.0.0.1:0",
		"--http-addr", "127.0.0.1:0", "--passive-ports", "41000-41099")
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
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(stdout)
		rest <- string(b)
	}()

	client, err := ftp.Dial(ftpAddr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Quit()
	if err := client.Login("bob", "bob-password"); err != nil {
		t.Fatal(err)
	}

	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\nstderr:\n%s", err, stderr.String())
	}
	if out := <-rest; !strings.Contains(out, "Shutting down") {
		t.Errorf("no shutdown message in %q", out)
	}
	if err := client.NoOp(); err == nil {
		t.Error("the FTP session survived the shutdown")
	}
}

// TestServeRefusesAPortInUse: a taken address is a clear error and exit status 1.
func TestServeRefusesAPortInUse(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, flag := range []string{"--ftp-addr", "--http-addr"} {
		args := []string{"serve", "--data", filepath.Join(t.TempDir(), "data"),
			"--ftp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}
		args = append(args, flag, taken.Addr().String())
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), costEnv+"=4")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s taken: %v, want exit status 1\n%s", flag, err, out)
		}
		if !strings.Contains(string(out), "address already in use") {
			t.Errorf("%s taken: the error does not say why:\n%s", flag, out)
		}
	}
}

// binaryWithBob makes, with the real binary's commands, a data directory
// holding customer acme and its FTP account bob (password "bob-password"), and
// returns it with the environment to run the binary in.
func binaryWithBob(t *testing.T, bin string) (data string, env []string) {
	t.Helper()
	data = filepath.Join(t.TempDir(), "data")
	env = append(os.Environ(), costEnv+"=4")
	for _, args := range [][]string{
		{"customer", "add", "acme"},
		{"ftp-user", "add", "bob", "--customer", "acme"},
	} {
		cmd := exec.Command(bin, append(args, "--data", data)...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(args[2]+"-password\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	return data, env
}
