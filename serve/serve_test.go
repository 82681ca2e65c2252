package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/jclub/jclub/tui"
)

// startServer serves on 127.0.0.1:0 with test-sized limits.
func startServer(t *testing.T, change func(*Options)) (*Server, string) {
	t.Helper()
	o := DefaultOptions()
	o.Listen = "127.0.0.1:0"
	o.HostKey = filepath.Join(t.TempDir(), "keys", "host")
	o.ConnPerMinute = 100000
	o.Logger = log.New(io.Discard, "", 0)
	if change != nil {
		change(&o)
	}
	s, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s, l.Addr().String()
}

func dial(t *testing.T, addr string) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "student",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return nil, nil
		})},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// term is a client session with a PTY and what it has printed so far.
type term struct {
	sess *gossh.Session
	in   io.WriteCloser
	mu   sync.Mutex
	out  bytes.Buffer
}

func (tm *term) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.Write(p)
}

func (tm *term) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.out.String())
}

// waitFor polls the session's output for s.
func (tm *term) waitFor(t *testing.T, s string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.text(), s) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	txt := tm.text()
	t.Fatalf("waited %s for %q; got …%q", d, s, txt[max(0, len(txt)-600):])
}

func (tm *term) clear() {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.out.Reset()
}

// open starts a session: with a PTY of w×h unless w < 0, running cmd as
// an exec request if given, otherwise a shell.
func open(t *testing.T, c *gossh.Client, w, h int, cmd string) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{sess: sess}
	sess.Stdout, sess.Stderr = tm, tm
	if tm.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if w >= 0 {
		if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	if cmd != "" {
		err = sess.Start(cmd)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// ended waits for the session to finish.
func ended(t *testing.T, tm *term, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { tm.sess.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("session still running after %s; it printed …%q", d, tail(tm.text()))
	}
}

// quit presses q and waits for the session to end.
func (tm *term) quit(t *testing.T) {
	t.Helper()
	io.WriteString(tm.in, "q")
	ended(t, tm, 5*time.Second)
}

func tail(s string) string { return s[max(0, len(s)-400):] }

func TestServeMenuTopicAndQuit(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr)
	defer c.Close()
	tm := open(t, c, 100, 30, "")
	tm.waitFor(t, "computational-neuroscience journal club", 5*time.Second)
	io.WriteString(tm.in, "1")
	tm.waitFor(t, "Standard diffusion", 5*time.Second)
	io.WriteString(tm.in, "n")
	tm.waitFor(t, "step 1", 5*time.Second)
	tm.quit(t)
}

func TestServeTopicLine(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr)
	defer c.Close()
	tm := open(t, c, 100, 30, "hopfield --patterns 2 --seed 7")
	tm.waitFor(t, "2 letters · hebb", 5*time.Second)
	tm.waitFor(t, "seed 7", time.Second)
	tm.quit(t)

	bad := open(t, c, 100, 30, "rm -rf /")
	bad.waitFor(t, `unknown topic "rm"`, 5*time.Second)
	ended(t, bad, 5*time.Second)
	flag := open(t, c, 100, 30, "hopfield --patterns 0")
	flag.waitFor(t, "patterns = 0: must be", 5*time.Second)
	ended(t, flag, 5*time.Second)
	// a client cannot make the server read one of its files
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := open(t, c, 100, 30, "information --dist file --file "+secret)
	file.waitFor(t, "reads a file on this machine: not over SSH", 5*time.Second)
	ended(t, file, 5*time.Second)
}

// Sessions without a PTY get the hint; subsystems, port forwarding and
// agent forwarding are refused.
func TestServeRefusals(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr)
	defer c.Close()
	tm := open(t, c, -1, 0, "")
	tm.waitFor(t, "connect with ssh -t", 5*time.Second)
	ended(t, tm, 5*time.Second)
	ex := open(t, c, -1, 0, "rm -rf /")
	ex.waitFor(t, "connect with ssh -t", 5*time.Second)
	ended(t, ex, 5*time.Second)

	sess, _ := c.NewSession()
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem accepted")
	}
	sess.Close()
	if conn, err := c.Dial("tcp", "127.0.0.1:22"); err == nil {
		conn.Close()
		t.Error("port forwarding accepted")
	}
	if _, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		t.Error("remote port forwarding accepted")
	}
	sess, _ = c.NewSession()
	if ok, _ := sess.SendRequest("auth-agent-req@openssh.com", true, nil); ok {
		t.Error("agent forwarding accepted")
	}
	sess.Close()
}

func TestServeMaxSessionsAndIdle(t *testing.T) {
	srv, addr := startServer(t, func(o *Options) { o.MaxSessions = 1; o.IdleTimeout = time.Second })
	c := dial(t, addr)
	defer c.Close()
	first := open(t, c, 100, 30, "")
	first.waitFor(t, "journal club", 5*time.Second)
	second := open(t, c, 100, 30, "")
	second.waitFor(t, "the server is full (1 sessions)", 5*time.Second)
	ended(t, second, 5*time.Second)
	// the first, left alone, is closed after the idle timeout
	start := time.Now()
	first.waitFor(t, "without a key", 5*time.Second)
	ended(t, first, 5*time.Second)
	if el := time.Since(start); el > 4*time.Second {
		t.Errorf("idle session closed after %s", el)
	}
	// and its slot is free again, once the server has finished with it
	for deadline := time.Now().Add(5 * time.Second); srv.Sessions() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	third := open(t, c, 100, 30, "")
	third.waitFor(t, "journal club", 5*time.Second)
}

// A client that stops reading loses its slot at the idle timeout; a
// session ends at the maximum session length, keys or not; connections
// past the per-address rate are refused.
func TestServeStalledLongAndRate(t *testing.T) {
	srv, addr := startServer(t, func(o *Options) { o.IdleTimeout = time.Second; o.MaxSession = 2 * time.Second })
	c := dial(t, addr)
	sess, _ := c.NewSession()
	sess.StdoutPipe() // never read
	sess.RequestPty("xterm", 30, 100, gossh.TerminalModes{})
	sess.Shell()
	in, _ := sess.StdinPipe()
	_ = in
	waitSessions := func(n int, d time.Duration) {
		t.Helper()
		deadline := time.Now().Add(d)
		for srv.Sessions() != n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if srv.Sessions() != n {
			t.Fatalf("%d sessions after %s, want %d", srv.Sessions(), d, n)
		}
	}
	waitSessions(1, 5*time.Second)
	waitSessions(0, 8*time.Second)
	c.Close()
	// the maximum session length holds even for a busy session
	c = dial(t, addr)
	defer c.Close()
	tm := open(t, c, 100, 30, "")
	tm.waitFor(t, "journal club", 5*time.Second)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
				io.WriteString(tm.in, "j")
			}
		}
	}()
	ended(t, tm, 6*time.Second)
	close(done)

	_, addr2 := startServer(t, func(o *Options) { o.ConnPerMinute = 2 })
	for i := 0; i < 2; i++ {
		dial(t, addr2).Close()
	}
	if c, err := gossh.Dial("tcp", addr2, &gossh.ClientConfig{User: "x", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 2 * time.Second}); err == nil {
		c.Close()
		t.Fatal("a third connection within the minute was accepted")
	}
}

// A model that panics on "p": only its own session ends.
type panicky struct{ tea.Model }

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "p" {
		panic("injected fault")
	}
	m, cmd := p.Model.Update(msg)
	return panicky{m}, cmd
}

func TestServePanicEndsOnlyItsSession(t *testing.T) {
	_, addr := startServer(t, func(o *Options) {
		o.model = func(_ ssh.Session, r *lipgloss.Renderer) tea.Model { return panicky{tui.New(tui.Options{Renderer: r})} }
	})
	c := dial(t, addr)
	defer c.Close()
	a, b := open(t, c, 100, 30, ""), open(t, c, 100, 30, "")
	a.waitFor(t, "journal club", 5*time.Second)
	b.waitFor(t, "journal club", 5*time.Second)
	io.WriteString(a.in, "p")
	a.waitFor(t, "internal error", 5*time.Second)
	ended(t, a, 5*time.Second)
	io.WriteString(b.in, "1")
	b.waitFor(t, "Standard diffusion", 5*time.Second)
	c2 := dial(t, addr)
	defer c2.Close()
	open(t, c2, 100, 30, "").waitFor(t, "journal club", 5*time.Second)
}

// Absurd sizes, a window change before the shell, resize storms, random
// bytes and ctrl+z leave the session and the server working.
func TestServeHostileTerminal(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr)
	defer c.Close()
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {4294967295, 4294967295}} {
		tm := open(t, c, sz[0], sz[1], "")
		time.Sleep(100 * time.Millisecond)
		io.WriteString(tm.in, "1q")
		ended(t, tm, 5*time.Second)
	}
	// a window change before the shell request
	sess, _ := c.NewSession()
	tm := &term{sess: sess}
	sess.Stdout = tm
	tm.in, _ = sess.StdinPipe()
	if err := sess.RequestPty("xterm", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{120, 40, 0, 0}))
	sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{90, 28, 0, 0}))
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(t, "journal club", 5*time.Second)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		sess.WindowChange(rng.IntN(300), rng.IntN(300))
	}
	sess.WindowChange(30, 100)
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	junk = bytes.ReplaceAll(junk, []byte("q"), []byte("x"))
	junk = bytes.ReplaceAll(junk, []byte{3}, []byte("x")) // ctrl+c
	tm.in.Write(junk)
	tm.in.Write([]byte{0x1a}) // ctrl+z
	io.WriteString(tm.in, "\x1b\x1b1")
	time.Sleep(300 * time.Millisecond) // let a dangling escape sequence time out
	tm.clear()
	io.WriteString(tm.in, "?")
	tm.waitFor(t, "Keys:", 10*time.Second)
	// random bytes can leave the parser mid-sequence and swallow a key:
	// the session must answer, not necessarily the first q
	done := make(chan struct{})
	go func() { tm.sess.Wait(); close(done) }()
	// (generous times: under go test ./... the other packages' training
	// shares the two cores with this session)
	for i := 0; i < 20; i++ {
		io.WriteString(tm.in, "q")
		select {
		case <-done:
			i = 20
		case <-time.After(time.Second):
		}
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the session did not quit; it printed …%q", tail(tm.text()))
	}
	open(t, c, 100, 30, "").waitFor(t, "journal club", 5*time.Second)
}

// A 512 KiB paste: the session survives it and the server's CPU for it is
// reported (no timing assertion).
func TestServePaste(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr)
	defer c.Close()
	tm := open(t, c, 100, 30, "")
	tm.waitFor(t, "journal club", 5*time.Second)
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	tm.in.Write(bytes.Repeat([]byte("abcdefgh"), 64<<10))
	time.Sleep(200 * time.Millisecond) // the q in a read of its own: inside a paste it is text
	io.WriteString(tm.in, "q")
	ended(t, tm, 30*time.Second)
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	t.Logf("512 KiB paste: %s wall, %s CPU of the whole test process (client, crypto and server)", time.Since(start).Round(time.Millisecond), cpu.Round(time.Millisecond))
}

func TestServeUnauthenticatedClosed(t *testing.T) {
	_, addr := startServer(t, func(o *Options) { o.Handshake = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	io.Copy(io.Discard, conn) // the server's banner, then EOF when it closes
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("a silent connection lived %s", el)
	}
}

func TestServeHostKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "key")
	o := DefaultOptions()
	o.HostKey = path
	if _, err := NewServer(o); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, %v", fi.Mode(), err)
	}
	b1, _ := os.ReadFile(path)
	if _, err := NewServer(o); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(path); !bytes.Equal(b1, b2) {
		t.Fatal("the key was not reused")
	}
	os.Chmod(path, 0o644)
	if _, err := NewServer(o); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a world-readable key was accepted: %v", err)
	}
}

// The server's goroutines return to their baseline after many sessions
// that quit and many whose clients vanish mid-session.
func TestServeNoLeaks(t *testing.T) {
	_, addr := startServer(t, nil)
	// warm up, then take the baseline
	c := dial(t, addr)
	tm := open(t, c, 80, 24, "")
	tm.waitFor(t, "journal club", 5*time.Second)
	tm.quit(t)
	c.Close()
	time.Sleep(200 * time.Millisecond)
	base := runtime.NumGoroutine()
	for i := 0; i < 200; i++ {
		c := dial(t, addr)
		tm := open(t, c, 80, 24, "")
		tm.waitFor(t, "journal club", 5*time.Second)
		if i%2 == 0 {
			tm.quit(t)
			c.Close()
		} else {
			io.WriteString(tm.in, "1 ") // a running screen, then the client vanishes
			c.Conn.(interface{ Close() error }).Close()
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for runtime.NumGoroutine() > base+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+2 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines, baseline %d:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

// Throughput, opt-in (JCLUB_LONG=1): 16 sessions on the diffusion screen,
// running; frames per second and key latency per session are reported.
func TestServeThroughput(t *testing.T) {
	if os.Getenv("JCLUB_LONG") == "" {
		t.Skip("set JCLUB_LONG=1")
	}
	_, addr := startServer(t, nil)
	const n = 16
	used := usage()
	terms := make([]*term, n)
	for i := range terms {
		c := dial(t, addr)
		defer c.Close()
		terms[i] = open(t, c, 100, 30, "diffusion --walkers 1000")
		terms[i].waitFor(t, "Standard diffusion", 10*time.Second)
		io.WriteString(terms[i].in, "+++ ")
	}
	time.Sleep(time.Second)
	counts := make([]int, n)
	for i, tm := range terms {
		tm.clear()
		_ = i
	}
	window := 5 * time.Second
	time.Sleep(window)
	for i, tm := range terms {
		tm.mu.Lock()
		// frames: each begins by homing the cursor
		counts[i] = bytes.Count(tm.out.Bytes(), []byte("\x1b[H")) + bytes.Count(tm.out.Bytes(), []byte("\r\x1b["))
		tm.mu.Unlock()
	}
	var lat []time.Duration
	for _, tm := range terms {
		tm.clear()
		start := time.Now()
		io.WriteString(tm.in, "?")
		tm.waitFor(t, "Keys:", 5*time.Second)
		lat = append(lat, time.Since(start))
		io.WriteString(tm.in, "?")
	}
	cpu, heap := used()
	t.Logf("frames in %s per session: %v", window, counts)
	t.Logf("key latency per session: %v", lat)
	t.Logf("process CPU %s over the run; heap per session %.1f MB", cpu.Round(time.Millisecond), heap/n/1e6)
	for i, c := range counts {
		if float64(c)/window.Seconds() < 10 {
			t.Errorf("session %d: %.1f frames/s", i, float64(c)/window.Seconds())
		}
	}
	_ = fmt.Sprint
}

// usage starts measuring the process: the function it returns gives the
// CPU time used since and the growth of the heap (bytes).
func usage() func() (time.Duration, float64) {
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	return func() (time.Duration, float64) {
		var after syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
		return cpu, float64(ms.HeapAlloc) - float64(ms0.HeapAlloc)
	}
}

// heapMB is the live heap after a collection.
func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / 1e6
}

// A client that sends many large env requests, and thousands of every
// request it can repeat (env, pty-req, window-change, signal, break,
// unknown ones, keepalives and other global requests, channel opens): the
// server's heap stays within a bound and the session still works.
func TestServeBoundedRequests(t *testing.T) {
	_, addr := startServer(t, nil)
	base := heapMB()
	c := dial(t, addr)
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 30000)
	envPayload := gossh.Marshal(struct{ Key, Value string }{"BIG", big})
	ptyPayload := gossh.Marshal(struct {
		Term          string
		Width, Height uint32
		PW, PH        uint32
		Modes         string
	}{strings.Repeat("t", 30000), 80, 24, 0, 0, ""})
	for range 3000 {
		sess.SendRequest("env", false, envPayload)
	}
	for range 2000 {
		sess.SendRequest("pty-req", false, ptyPayload)
		sess.SendRequest("window-change", false, gossh.Marshal(struct{ W, H, PW, PH uint32 }{100, 30, 0, 0}))
		sess.SendRequest("signal", false, gossh.Marshal(struct{ Signal string }{"INT"}))
		sess.SendRequest("break", false, gossh.Marshal(struct{ Len uint32 }{100}))
		sess.SendRequest("x-unknown@example.com", false, []byte(big[:1000]))
		c.SendRequest("keepalive@openssh.com", false, nil)
		c.SendRequest("x-global@example.com", false, []byte(big[:1000]))
	}
	// more session channels than one connection may hold
	var extra []gossh.Channel
	refused := 0
	for range 50 {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err != nil {
			refused++
			continue
		}
		go gossh.DiscardRequests(reqs)
		extra = append(extra, ch)
	}
	// a round trip: every request above has been handled by now
	if _, _, err := c.SendRequest("x-sync@example.com", true, nil); err != nil {
		t.Fatal(err)
	}
	grown := heapMB() - base
	t.Logf("after 3,000 env requests of 30 kB and 2,000 of each other request: heap grew %.1f MB; %d of 50 extra channels refused", grown, refused)
	if grown > 20 {
		t.Errorf("the heap grew by %.1f MB", grown)
	}
	if refused < 50-maxChannelsPerConn {
		t.Errorf("only %d of 50 extra session channels refused", refused)
	}
	for _, ch := range extra {
		ch.Close()
	}
	// the session still works: a PTY (a normal one) and the menu
	tm := &term{sess: sess}
	sess.Stdout, sess.Stderr = tm, tm
	if tm.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{})
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(t, "journal club", 5*time.Second)
	tm.quit(t)
}

// Shutdown with a running session, an idle connection that never opened
// a session (an OpenSSH ControlMaster) and a session whose client stopped
// reading: every one is closed, the running one told why, within 2 s.
func TestServeShutdown(t *testing.T) {
	srv, addr := startServer(t, nil)
	active := dial(t, addr)
	tm := open(t, active, 80, 24, "diffusion")
	tm.waitFor(t, "Standard diffusion", 5*time.Second)
	io.WriteString(tm.in, " ")
	idle := dial(t, addr)
	stalled := dial(t, addr)
	ss, _ := stalled.NewSession()
	ss.StdoutPipe() // never read
	in, _ := ss.StdinPipe()
	ss.RequestPty("xterm", 60, 200, gossh.TerminalModes{})
	ss.Shell()
	io.WriteString(in, "1 ")
	deadline := time.Now().Add(5 * time.Second)
	for srv.Sessions() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // let the stalled client's window fill
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err := srv.Shutdown(ctx)
	took := time.Since(start)
	t.Logf("Shutdown took %s (err %v)", took.Round(time.Millisecond), err)
	if took > 2*time.Second {
		t.Errorf("Shutdown took %s", took)
	}
	ended(t, tm, 2*time.Second)
	if !strings.Contains(tm.text(), "going away") {
		t.Errorf("the running session was not told: …%q", tail(tm.text()))
	}
	for name, c := range map[string]*gossh.Client{"idle": idle, "stalled": stalled} {
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Errorf("the %s connection is still open", name)
		}
	}
	if _, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: time.Second}); err == nil {
		t.Error("a new connection was accepted after Shutdown")
	}
}

// Connections from 10,000 distinct addresses leave the limiter bounded;
// an address idle for a minute is forgotten, and the limit still holds
// for the addresses it remembers.
func TestAddrLimiterForgets(t *testing.T) {
	a := newAddrLimiter(2, maxLimiters)
	now := time.Unix(1e9, 0)
	for i := range 10000 {
		a.allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := a.size(); n > maxLimiters {
		t.Errorf("%d addresses remembered, bound %d", n, maxLimiters)
	}
	now = now.Add(time.Hour)
	if !a.allow("192.0.2.1", now) || !a.allow("192.0.2.1", now) || a.allow("192.0.2.1", now) {
		t.Error("the third connection within the minute was allowed")
	}
	if n := a.size(); n != 1 {
		t.Errorf("%d addresses remembered an hour later, want 1", n)
	}
	if !a.allow("192.0.2.1", now.Add(61*time.Second)) {
		t.Error("a connection a minute later was refused")
	}
}

// Sanitize keeps text readable and strips what a terminal would obey.
func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"alice":                 "alice",
		"bob\x1b[2J\r\nroot":    "bob?[2J??root",
		"émile":                 "émile",
		"a\u202egnp.exe":        "a?gnp.exe",
		strings.Repeat("x", 40): strings.Repeat("x", 32) + "…",
	} {
		if got := Sanitize(in, 32); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
