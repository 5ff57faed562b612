package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// server is an FTP server under measure, running as a child process.
type server struct {
	name     string
	addr     string   // FTP control address
	accounts []string // logins, used round robin; each one's password is passwords[login]
	password map[string]string
	bigFile  string // the shared file, as the client names it
	storName string // where an upload goes, as the client names it
	storPath string // and on disk
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the main process has exited
	stderr   *tailBuffer
}

// begin starts the server's process and watches for its exit.
func (s *server) begin() error {
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.exited = make(chan struct{})
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	return nil
}

// pid is the server's main process; its children belong to it too.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop ends the server and every process it started, and waits for it.
func (s *server) stop() {
	if s == nil || s.exited == nil {
		return
	}
	select {
	case <-s.exited: // killed, or ended by itself
		return
	default:
	}
	children := processTree(s.pid())[1:] // vsftpd's sessions outlive its listener
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	for _, pid := range children {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// account returns the i-th login and its password, round robin.
func (s *server) account(i int) (string, string) {
	login := s.accounts[i%len(s.accounts)]
	return login, s.password[login]
}

// tailBuffer keeps the last few KiB a child process wrote, for error messages.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 16<<10 {
		t.b = t.b[len(t.b)-8<<10:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// panelServer is ftppanel with what the panel measures need.
type panelServer struct {
	server
	panelURL string
	api      *apiclient.Client // with an admin's API token
	admin    *http.Client      // signed in as the admin

	bin  string   // the binary
	args []string // serve's arguments
	env  []string
}

// stop ends ftppanel and closes the API client's connections.
func (p *panelServer) stop() {
	if p == nil {
		return
	}
	if p.api != nil {
		p.api.Close()
	}
	p.server.stop()
}

// panelSetup is what sets one ftppanel apart from another running beside it.
type panelSetup struct {
	prefix  string   // before each login's name: PREFIXu1..PREFIXu4
	passive string   // its passive port range, LOW-HIGH
	extra   []string // more flags for serve
	// watched is one more login, kept out of the accounts the measures use
	// round robin, with a home of its own; its password is in the server's.
	watched string
}

// startFTPPanel prepares a data directory with one customer and accounts
// u1..u4 whose homes hold big.bin, and starts "ftppanel serve" on loopback ports
// with the session limits off (every client comes from 127.0.0.1).
func startFTPPanel(ctx context.Context, bin, dir, bigFile string, cost int) (*panelServer, error) {
	return startPanel(ctx, bin, dir, bigFile, cost, panelSetup{passive: "43000-43999"})
}

// startPanel is startFTPPanel with the logins, passive ports and flags of setup.
func startPanel(ctx context.Context, bin, dir, bigFile string, cost int, setup panelSetup) (*panelServer, error) {
	data := filepath.Join(dir, "ftppanel-data")
	env := append(os.Environ(), "FTPPANEL_BCRYPT_COST="+strconv.Itoa(cost))
	cli := func(stdin string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, bin, append(args, "--data", data)...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("ftppanel %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), nil
	}
	s := &panelServer{server: server{name: "ftppanel", password: map[string]string{},
		bigFile: "big.bin", storName: "stor.bin"}}
	if _, err := cli("bench-password\n", "customer", "add", "bench"); err != nil {
		return nil, err
	}
	logins := []string{setup.prefix + "u1", setup.prefix + "u2", setup.prefix + "u3", setup.prefix + "u4"}
	if setup.watched != "" {
		logins = append(logins, setup.watched)
	}
	for i, login := range logins {
		pw := login + "-password"
		if _, err := cli(pw+"\n", "ftp-user", "add", login, "--customer", "bench"); err != nil {
			return nil, err
		}
		home := filepath.Join(data, "home", "bench", login)
		if err := os.MkdirAll(home, 0o750); err != nil {
			return nil, err
		}
		if err := os.Link(bigFile, filepath.Join(home, "big.bin")); err != nil {
			return nil, err
		}
		if i < 4 {
			s.accounts = append(s.accounts, login)
		}
		s.password[login] = pw
	}
	s.storPath = filepath.Join(data, "home", "bench", setup.prefix+"u1", "stor.bin")

	s.args = append([]string{"serve", "--data", data, "--ftp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
		"--passive-ports", setup.passive, "--idle-timeout", "1h", "--login-timeout", "0",
		"--max-sessions", "0", "--max-sessions-per-ip", "0", "--max-sessions-per-login", "0", "--ban-after", "0"}, setup.extra...)
	s.bin, s.env = bin, env
	adminPW, err := s.launch()
	if err != nil {
		return nil, err
	}
	if adminPW == "" {
		s.stop()
		return nil, errors.New("ftppanel serve printed no admin password")
	}
	token, err := cli("", "token", "add", "admin")
	if err != nil {
		s.stop()
		return nil, err
	}
	if s.api, err = apiclient.New(s.panelURL, strings.TrimSpace(token)); err != nil {
		s.stop()
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	s.admin = &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := s.admin.PostForm(s.panelURL+"/login", url.Values{"username": {"admin"}, "password": {adminPW}})
	if err != nil {
		s.stop()
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		s.stop()
		return nil, fmt.Errorf("panel sign-in: status %d", resp.StatusCode)
	}
	return s, nil
}

// launch starts "ftppanel serve" with the server's arguments and waits, at most
// a minute, until it says where it listens. It returns the admin's password
// when serve printed one (only the first start on a data directory does).
func (s *panelServer) launch() (adminPW string, err error) {
	s.addr, s.panelURL = "", ""
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Env = s.env
	s.stderr = &tailBuffer{}
	s.cmd.Stderr = s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := s.begin(); err != nil {
		return "", err
	}
	// A serve that never says where it listens is ended, which ends the reading.
	slow := time.AfterFunc(time.Minute, func() { s.cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	ftpLine := regexp.MustCompile(`^FTP server listening on (\S+)`)
	webLine := regexp.MustCompile(`^Web panel listening on (\S+)`)
	pwLine := regexp.MustCompile(`"admin" with password (\S+)`)
	for (s.addr == "" || s.panelURL == "") && lines.Scan() {
		line := lines.Text()
		if m := ftpLine.FindStringSubmatch(line); m != nil {
			s.addr = m[1]
		}
		if m := webLine.FindStringSubmatch(line); m != nil {
			s.panelURL = m[1]
		}
		if m := pwLine.FindStringSubmatch(line); m != nil {
			adminPW = m[1]
		}
	}
	started := slow.Stop()
	go io.Copy(io.Discard, stdout)
	if !started || s.addr == "" || s.panelURL == "" {
		s.stop()
		return "", fmt.Errorf("ftppanel serve did not start:\n%s", s.stderr)
	}
	return adminPW, nil
}

// kill ends the server's process at once, as a power cut would, and waits for it.
func (s *server) kill() error {
	if s == nil || s.exited == nil {
		return nil
	}
	s.cmd.Process.Kill()
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("a killed ftppanel did not exit within 30 s")
	}
}

// findVsftpd finds vsftpd, or installs Debian's package when running as root.
// It returns "" and why when vsftpd cannot be had.
func findVsftpd(ctx context.Context, log io.Writer) (string, string) {
	for _, p := range []string{"vsftpd", "/usr/sbin/vsftpd"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, ""
		}
	}
	if os.Geteuid() != 0 {
		return "", "vsftpd is not installed, and installing it needs root (apt-get install vsftpd)"
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", "vsftpd is not installed and there is no apt-get to install it with"
	}
	fmt.Fprintln(log, "Installing vsftpd with apt-get")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "vsftpd"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Sprintf("apt-get %s failed: %v\n%s", args[0], err, lastLines(string(out), 5))
		}
	}
	if path, err := exec.LookPath("/usr/sbin/vsftpd"); err == nil {
		return path, ""
	}
	return "", "apt-get installed vsftpd, but no vsftpd binary was found"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// vsftpdVersion is the package's version, as dpkg knows it.
func vsftpdVersion() string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "vsftpd").Output()
	if err != nil {
		return "unknown version"
	}
	return string(out)
}

// startVsftpd configures vsftpd in dir: anonymous sessions (vsftpd checks no
// password for them, which only favours it in the login measure), the same
// big.bin (a hard link to the same file), uploads and new folders into up/,
// passive ports on loopback, no logging, sendfile on (its default).
func startVsftpd(bin, dir, bigFile string) (*server, error) {
	root := filepath.Join(dir, "vsftpd-root")
	empty := filepath.Join(dir, "vsftpd-empty")
	up := filepath.Join(root, "up")
	for _, d := range []string{root, empty, up} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	// Anonymous sessions run as the package's "ftp" user, which has a home
	// directory (vsftpd changes into it first). vsftpd refuses a root the user
	// could write to: uploads go to up/, the user's.
	ftpUser, err := user.Lookup("ftp")
	if err != nil {
		return nil, fmt.Errorf("vsftpd needs the system user ftp (Debian's package adds it): %w", err)
	}
	uid, _ := strconv.Atoi(ftpUser.Uid)
	gid, _ := strconv.Atoi(ftpUser.Gid)
	if err := os.Chown(up, uid, gid); err != nil {
		return nil, err
	}
	if err := os.Link(bigFile, filepath.Join(root, "big.bin")); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "vsftpd.conf")
	settings := []string{
		"listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + strconv.Itoa(port),
		"background=NO", "anonymous_enable=YES", "no_anon_password=NO", "anon_root=" + root,
		"ftp_username=ftp", "nopriv_user=ftp", "local_enable=NO", "write_enable=YES",
		"anon_upload_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES", "anon_umask=022",
		"pasv_enable=YES", "pasv_min_port=44000", "pasv_max_port=44999", "port_enable=NO",
		"connect_from_port_20=NO", "xferlog_enable=NO", "dirmessage_enable=NO", "use_sendfile=YES",
		"seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "secure_chroot_dir=" + empty,
		"max_clients=0", "max_per_ip=0", "idle_session_timeout=3600", "data_connection_timeout=600",
		"delay_failed_login=0", "delay_successful_login=0", "vsftpd_log_file=" + filepath.Join(dir, "vsftpd.log"),
	}
	if err := os.WriteFile(conf, []byte(strings.Join(settings, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	s := &server{name: "vsftpd", addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		accounts: []string{"anonymous"}, password: map[string]string{"anonymous": "bench@"},
		bigFile: "big.bin", storName: "up/stor.bin", storPath: filepath.Join(up, "stor.bin"),
		stderr: &tailBuffer{}}
	s.cmd = exec.Command(bin, conf)
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.begin(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := dialFTP(s.addr); err == nil {
			c.close()
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("vsftpd exited: %v\n%s", s.cmd.ProcessState, s.stderr)
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("vsftpd did not answer within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
