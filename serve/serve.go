// Package serve serves the explorer over SSH (charmbracelet/wish): every
// interactive session gets its own program and renderer; everything else
// is refused, and what a client can make the server keep is bounded.
package serve

import (
	"container/list"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/jclub/jclub/internal/gemm"
	"github.com/jclub/jclub/topic"
	"github.com/jclub/jclub/tui"
)

// Options configures the SSH server. Every limit has a default that
// suits a room of students on a trusted network.
type Options struct {
	Listen         string        // address, e.g. 127.0.0.1:2222
	HostKey        string        // path of the ed25519 host key: created 0600 on first start
	AuthorizedKeys string        // if set, only these public keys are admitted
	Presenters     string        // authorized_keys file of those who may present a room
	MaxSessions    int           // concurrent sessions; past it a polite line and close
	IdleTimeout    time.Duration // no key pressed for this long ends a session
	MaxSession     time.Duration // no session lasts longer
	ConnPerMinute  int           // new connections per source address (IPv6 per /64) per minute
	Handshake      time.Duration // a connection not authenticated by then is closed
	Logger         *log.Logger   // nil: standard error

	// model, in tests, replaces the explorer (to inject a fault)
	model func(s ssh.Session, r *lipgloss.Renderer) tea.Model
}

// DefaultOptions are the defaults of jclub serve.
func DefaultOptions() Options {
	return Options{
		Listen:        "127.0.0.1:2222",
		HostKey:       defaultHostKey(),
		MaxSessions:   32,
		IdleTimeout:   10 * time.Minute,
		MaxSession:    2 * time.Hour,
		ConnPerMinute: 20,
		Handshake:     20 * time.Second,
	}
}

func defaultHostKey() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "jclub", "ssh_host_ed25519_key")
}

// Validate names the first bad option.
func (o Options) Validate() error {
	switch {
	case o.MaxSessions < 1 || o.MaxSessions > 10000:
		return fmt.Errorf("max-sessions = %d: must be 1..10000", o.MaxSessions)
	case o.IdleTimeout < time.Second:
		return fmt.Errorf("idle-timeout = %s: must be at least 1s", o.IdleTimeout)
	case o.MaxSession < time.Second:
		return fmt.Errorf("max-session = %s: must be at least 1s", o.MaxSession)
	case o.ConnPerMinute < 1 || o.ConnPerMinute > 100000:
		return fmt.Errorf("conn-rate = %d: must be 1..100000", o.ConnPerMinute)
	case o.Handshake < 100*time.Millisecond || o.Handshake > 10*time.Minute:
		return fmt.Errorf("handshake-timeout = %s: must be 100ms..10m", o.Handshake)
	case o.HostKey == "":
		return errors.New("host-key: a path is needed")
	}
	return nil
}

// Server serves the explorer over SSH: every interactive session with a
// PTY gets its own program and renderer; everything else is refused.
type Server struct {
	o        Options
	srv      *ssh.Server
	log      *log.Logger
	sessions chan struct{} // a slot per concurrent session
	gate     chan struct{} // a slot per core: compute shared fairly between sessions
	limiters *addrLimiter  // new connections per source address
	active   atomic.Int64

	mu      sync.Mutex
	running map[*session]struct{} // sessions with a program, for Shutdown
	wg      sync.WaitGroup        // their handlers
	closing atomic.Bool

	presenters map[string]bool // marshalled public keys that may present
	roomsMu    sync.Mutex
	rooms      map[string]*tui.Room // by name; a room lives as long as the server
}

type ctxKey string

const (
	authedKey ctxKey = "jclub-authed"
	connKey   ctxKey = "jclub-conn"
)

// What one client can make the server keep is bounded: requests it stores
// are refused past these (each refusal answered, nothing kept).
const (
	maxChannelsPerConn = 4     // session channels open at once on one connection
	maxEnv             = 32    // env requests per session
	maxRequestPayload  = 1024  // bytes of an env or pty-req payload
	windowChangesPerS  = 20    // window-changes delivered per second; the latest of the rest follows
	maxOpenSteps       = 20000 // steps a topic line may ask for on opening (they run before the first frame)
)

// connState is what the server keeps per connection.
type connState struct {
	authed   atomic.Bool
	channels atomic.Int32
}

// NewServer checks the options, loads or creates the host key and builds
// the server.
func NewServer(o Options) (*Server, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	key, err := loadOrCreateHostKey(o.HostKey)
	if err != nil {
		return nil, err
	}
	// One thread per matrix product: the gate's slot is one core, so the
	// cores are divided between sessions, not taken by the first.
	gemm.SetThreads(1)
	s := &Server{o: o, log: o.Logger, sessions: make(chan struct{}, o.MaxSessions),
		gate:     make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		limiters: newAddrLimiter(o.ConnPerMinute, maxLimiters),
		running:  map[*session]struct{}{}, rooms: map[string]*tui.Room{}}
	if o.Presenters != "" {
		if s.presenters, err = readKeys(o.Presenters); err != nil {
			return nil, err
		}
	}
	if s.log == nil {
		s.log = log.New(os.Stderr, "jclub serve: ", log.LstdFlags)
	}
	opts := []ssh.Option{
		wish.WithAddress(o.Listen),
		wish.WithHostKeyPEM(key),
		wish.WithIdleTimeout(o.IdleTimeout),
		wish.WithMaxTimeout(o.MaxSession),
		wish.WithMiddleware(s.session), // the whole chain is ours: recover is inside it
		func(srv *ssh.Server) error {
			srv.ConnCallback = s.onConn
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
			srv.RequestHandlers = map[string]ssh.RequestHandler{} // no tcpip-forward
			srv.LocalPortForwardingCallback = nil
			srv.ReversePortForwardingCallback = nil
			return nil
		},
	}
	if o.AuthorizedKeys != "" {
		if _, err := os.Stat(o.AuthorizedKeys); err != nil {
			return nil, fmt.Errorf("authorized-keys: %w", err)
		}
		opts = append(opts, wish.WithAuthorizedKeys(o.AuthorizedKeys))
	} else {
		// open: any key, or none, and no password prompt
		opts = append(opts,
			wish.WithPublicKeyAuth(func(ssh.Context, ssh.PublicKey) bool { return true }),
			wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// loadOrCreateHostKey reads the key, refusing one others can read, or
// creates it (mode 0600, its directory 0700 if new) on first start.
func loadOrCreateHostKey(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err == nil {
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("host key %s is readable by others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("host key: %w", err)
		}
		if _, err := gossh.ParsePrivateKey(b); err != nil {
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
		return b, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "jclub host key")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("host key: %w", err)
	}
	return b, nil
}

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe listens on the configured address.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.o.Listen)
	if err != nil {
		return err
	}
	s.log.Printf("listening on %s", l.Addr())
	return s.Serve(l)
}

// Shutdown stops accepting, tells every session that the server is going
// away and ends it, then closes every connection, idle ones (a multiplexed
// OpenSSH master with no session, a client that stopped reading) included.
// It returns when the sessions' handlers have returned, or at ctx's end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for ss := range s.running {
		go ss.goodbye("the server is going away")
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if cerr := s.srv.Close(); err == nil && cerr != nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = cerr
	}
	return err
}

// Sessions is the number of sessions running now.
func (s *Server) Sessions() int { return int(s.active.Load()) }

// onConn rate-limits new connections per source address and closes those
// not authenticated within the handshake timeout.
func (s *Server) onConn(ctx ssh.Context, c net.Conn) net.Conn {
	if s.closing.Load() {
		return nil
	}
	host := addrKey(c.RemoteAddr())
	if !s.limiters.allow(host, time.Now()) {
		s.log.Printf("%s: too many connections, refused", host)
		return nil
	}
	cs := &connState{}
	ctx.SetValue(connKey, cs)
	ctx.SetValue(authedKey, &cs.authed)
	time.AfterFunc(s.o.Handshake, func() {
		if !cs.authed.Load() {
			c.Close()
		}
	})
	return c
}

// addrLimiter is a connection-rate limiter per source address that
// forgets: an address idle for a minute (its bucket full again, so
// forgetting it changes nothing) is dropped, and past max addresses the
// least recently seen goes first, so a scan from many addresses cannot
// grow it without bound.
type addrLimiter struct {
	mu     sync.Mutex
	perMin int
	max    int
	byKey  map[string]*list.Element
	recent *list.List // of *addrEntry, most recent first
}

type addrEntry struct {
	key  string
	lim  *rate.Limiter
	last time.Time
}

// maxLimiters bounds the addresses remembered at once.
const maxLimiters = 4096

func newAddrLimiter(perMin, max int) *addrLimiter {
	return &addrLimiter{perMin: perMin, max: max, byKey: map[string]*list.Element{}, recent: list.New()}
}

// allow reports whether key may open a connection at now.
func (a *addrLimiter) allow(key string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for e := a.recent.Back(); e != nil; e = a.recent.Back() {
		old := e.Value.(*addrEntry)
		if a.recent.Len() < a.max && now.Sub(old.last) < time.Minute {
			break
		}
		a.recent.Remove(e)
		delete(a.byKey, old.key)
	}
	e, ok := a.byKey[key]
	if !ok {
		lim := rate.NewLimiter(rate.Every(time.Minute/time.Duration(a.perMin)), a.perMin)
		e = a.recent.PushFront(&addrEntry{key: key, lim: lim})
		a.byKey[key] = e
	}
	a.recent.MoveToFront(e)
	en := e.Value.(*addrEntry)
	en.last = now
	return en.lim.AllowN(now, 1)
}

// size is the number of addresses remembered.
func (a *addrLimiter) size() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.recent.Len()
}

// addrKey is the rate-limiting key of an address: the IP, IPv6 by /64.
func addrKey(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return host
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// sessionChannel is the standard session handler behind a filter of its
// requests (filteredChannel), with at most maxChannelsPerConn session
// channels open at once on one connection: each costs goroutines and
// buffers before it ever asks for a shell.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	if cs, ok := ctx.Value(connKey).(*connState); ok {
		if cs.channels.Add(1) > maxChannelsPerConn {
			cs.channels.Add(-1)
			newChan.Reject(gossh.ResourceShortage, fmt.Sprintf("at most %d sessions on one connection", maxChannelsPerConn))
			return
		}
		defer cs.channels.Add(-1)
	}
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{newChan}, ctx)
}

// filteredChannel bounds what the session's requests can make the server
// keep. The SSH library stores every env request until the shell (one
// anonymous client grew the server by 90 MB in two seconds), so env
// requests past maxEnv, and env or pty-req payloads over maxRequestPayload,
// are refused. A window-change sent before the shell would block the
// library's one-slot channel: those are held and only the last is
// delivered after the shell; after it, window-changes are delivered at most
// windowChangesPerS a second, the latest of the others following. Agent
// forwarding is refused.
type filteredChannel struct{ gossh.NewChannel }

func (f filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		started := false
		env := 0
		var held []byte // the latest window-change not yet delivered
		var flush <-chan time.Time
		lim := rate.NewLimiter(windowChangesPerS, windowChangesPerS)
		deliver := func() {
			out <- &gossh.Request{Type: "window-change", Payload: held} // WantReply false: no reply needed
			held = nil
		}
		for {
			var req *gossh.Request
			select {
			case <-flush:
				flush = nil
				if held != nil {
					deliver()
				}
				continue
			case r, ok := <-reqs:
				if !ok {
					return
				}
				req = r
			}
			switch req.Type {
			case "auth-agent-req@openssh.com":
				req.Reply(false, nil)
				continue
			case "env":
				env++
				if env > maxEnv || len(req.Payload) > maxRequestPayload {
					req.Reply(false, nil)
					continue
				}
			case "pty-req":
				if len(req.Payload) > maxRequestPayload {
					req.Reply(false, nil)
					continue
				}
			case "window-change":
				held = append(held[:0], req.Payload...)
				req.Reply(true, nil)
				switch {
				case !started:
				case lim.Allow():
					deliver()
				case flush == nil:
					flush = time.After(time.Second / windowChangesPerS)
				}
				continue
			}
			out <- req
			if (req.Type == "shell" || req.Type == "exec") && !started {
				started = true
				if held != nil {
					deliver()
				}
			}
		}
	}()
	return ch, out, nil
}

// session is the whole middleware chain: recover, the session limit, the
// PTY check, the topic line, and the explorer. wish has middlewares for
// these; they are not used because, in v1.4.7, recover.Middleware logs the
// panic and carries on with the terminal still in the alternate screen and
// no word to the user; activeterm's refusal ("Requires an active PTY")
// does not say how to get one; ratelimiter runs after authentication,
// keyed per IP string (IPv6 per /128), where onConn limits before it, per
// /64; and logging.Middleware writes the client's user name to the log as
// it came, where ours sanitizes it.
func (s *Server) session(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if a, ok := sess.Context().Value(authedKey).(*atomic.Bool); ok {
			a.Store(true)
		}
		defer func() {
			if r := recover(); r != nil {
				s.log.Printf("%s: session panic: %v\n%s", sess.RemoteAddr(), r, debug.Stack())
				io.WriteString(sess, "\x1b[?1049l\x1b[?25h\r\njclub: this session hit an internal error and was closed; the server goes on.\r\n")
				sess.Exit(1)
			}
		}()
		if s.closing.Load() {
			wish.Fatalln(sess, "jclub: the server is going away.")
			return
		}
		select {
		case s.sessions <- struct{}{}:
			defer func() { <-s.sessions }()
		default:
			wish.Fatalln(sess, fmt.Sprintf("jclub: the server is full (%d sessions); please try again in a while.", s.o.MaxSessions))
			return
		}
		s.active.Add(1)
		defer s.active.Add(-1)
		pty, winch, ok := sess.Pty()
		if !ok {
			wish.Fatalln(sess, "jclub: the explorer needs a terminal: connect with ssh -t, e.g. ssh -t -p PORT HOST diffusion")
			return
		}
		var o tui.Options
		cmd := sess.Command()
		if len(cmd) > 0 && (cmd[0] == "present" || cmd[0] == "follow") {
			room, err := s.enterRoom(sess, cmd)
			if err != nil {
				wish.Fatalln(sess, "jclub: "+err.Error())
				return
			}
			if cmd[0] == "present" {
				o.Present = room
			} else {
				o.Follow = room
			}
		} else if len(cmd) > 0 {
			op, err := topic.ParseOpen(cmd)
			if err == nil {
				err = op.Values.NoFiles()
			}
			if err != nil {
				wish.Fatalln(sess, "jclub: "+err.Error())
				return
			}
			o = tui.Options{Topic: op.Topic, Values: op.Values, Seed: op.Seed, Steps: min(op.Steps, maxOpenSteps)}
		}
		start := time.Now()
		s.log.Printf("%s: %s connected (%s %d×%d)", sess.RemoteAddr(), Sanitize(sess.User(), 32), Sanitize(pty.Term, 32), pty.Window.Width, pty.Window.Height)
		s.run(sess, pty, winch, o)
		s.log.Printf("%s: %s left after %s", sess.RemoteAddr(), Sanitize(sess.User(), 32), time.Since(start).Round(time.Second))
	}
}

// maxRooms bounds the rooms a server keeps.
const maxRooms = 64

// readKeys reads an authorized_keys file.
func readKeys(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("presenters: %w", err)
	}
	keys := map[string]bool{}
	for len(b) > 0 {
		k, _, _, rest, err := gossh.ParseAuthorizedKey(b)
		if err != nil {
			break // the rest holds no key
		}
		keys[string(k.Marshal())] = true
		b = rest
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("presenters: no public key in %s", path)
	}
	return keys, nil
}

// enterRoom handles present [NAME] and follow [NAME]: a presenter must
// have authenticated with a key of the presenters file (the session's
// verified key) and claims the room; anyone follows a room that exists.
// The session's explorer leaves the room when it closes.
func (s *Server) enterRoom(sess ssh.Session, cmd []string) (*tui.Room, error) {
	name := "main"
	if len(cmd) > 2 {
		return nil, fmt.Errorf("%s takes at most a room name", cmd[0])
	}
	if len(cmd) == 2 {
		name = cmd[1]
	}
	if !validRoom(name) {
		return nil, fmt.Errorf("room names are 1 to 32 letters, digits, - or _; %q is not one", Sanitize(name, 40))
	}
	s.roomsMu.Lock()
	defer s.roomsMu.Unlock()
	room := s.rooms[name]
	if cmd[0] == "follow" {
		if room == nil {
			return nil, fmt.Errorf("no room %s is being presented", name)
		}
		return room, nil
	}
	switch {
	case s.presenters == nil:
		return nil, errors.New("this server has no presenters (jclub serve --presenters FILE)")
	case sess.PublicKey() == nil || !s.presenters[string(sess.PublicKey().Marshal())]:
		return nil, errors.New("your key is not one of the presenters'")
	}
	if room == nil {
		if len(s.rooms) >= maxRooms {
			return nil, fmt.Errorf("the server has %d rooms already", maxRooms)
		}
		room = tui.NewRoom(name)
		s.rooms[name] = room
	}
	if !room.Present() {
		return nil, fmt.Errorf("room %s has a presenter already: present another name", name)
	}
	s.log.Printf("%s: %s presents room %s", sess.RemoteAddr(), Sanitize(sess.User(), 32), name)
	return room, nil
}

// liveRooms lists the rooms, for the home menu to offer.
func (s *Server) liveRooms() []*tui.Room {
	s.roomsMu.Lock()
	defer s.roomsMu.Unlock()
	out := make([]*tui.Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		out = append(out, r)
	}
	return out
}

func validRoom(name string) bool {
	if len(name) == 0 || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Sanitize makes client-supplied text safe to show others or log: control
// and format characters (escapes, bidirectional overrides) become '?', and
// it is cut to at most n runes.
func Sanitize(text string, n int) string {
	var b strings.Builder
	for i, r := range []rune(text) {
		if i >= n {
			b.WriteRune('…')
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// session is one running program, for Shutdown to reach.
type session struct {
	sess ssh.Session
	p    *tea.Program
	once sync.Once
}

// goodbye restores the client's screen with a last line, unless the client
// has stopped reading, and ends the program and the session.
func (ss *session) goodbye(why string) {
	ss.once.Do(func() {
		said := make(chan struct{})
		go func() {
			io.WriteString(ss.sess, "\x1b[?1049l\x1b[?25h\r\njclub: "+why+".\r\n")
			close(said)
		}()
		select {
		case <-said:
		case <-time.After(500 * time.Millisecond):
		}
		ss.p.Quit()
		ss.sess.Close()
	})
}

// run runs one session's program until it quits, the client goes, the
// idle or session timeout passes, or the server shuts down.
func (s *Server) run(sess ssh.Session, pty ssh.Pty, winch <-chan ssh.Window, o tui.Options) {
	r := sessionRenderer(sess, pty)
	o.Renderer = r
	o.Gate = s.enter
	o.Rooms = s.liveRooms
	app := tui.New(o)
	defer app.Close() // leave the room it presented or followed
	var m tea.Model = app
	if s.o.model != nil {
		m = s.o.model(sess, r)
	}
	in := &limitedInput{r: sess, lim: rate.NewLimiter(256<<10, 16<<10)}
	in.last.Store(time.Now().UnixNano())
	out := &watchedOutput{w: sess}
	p := tea.NewProgram(m,
		tea.WithInput(in), tea.WithOutput(out),
		tea.WithAltScreen(), tea.WithMouseCellMotion(),
		tea.WithFPS(30), tea.WithoutCatchPanics(), tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return nil // a remote ctrl+z must never stop the server
			}
			return msg
		}),
	)
	ss := &session{sess: sess, p: p}
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		wish.Fatalln(sess, "jclub: the server is going away.")
		return
	}
	s.running[ss] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.running, ss)
		s.mu.Unlock()
		s.wg.Done()
	}()
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	go func() {
		idle := time.NewTicker(time.Second)
		defer idle.Stop()
		for {
			select {
			case <-ctx.Done():
				p.Quit()
				return
			case w, ok := <-winch:
				if !ok {
					winch = nil
					continue
				}
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			case <-idle.C:
				if o.Follow == nil && time.Since(time.Unix(0, in.last.Load())) > s.o.IdleTimeout { // a follower watches
					ss.goodbye("closed after " + s.o.IdleTimeout.String() + " without a key")
					return
				}
				if since := out.stuck(); since > maxStuck {
					s.log.Printf("%s: not reading for %s, closed", sess.RemoteAddr(), since.Round(time.Second))
					ss.goodbye("closed: the terminal stopped reading")
					return
				}
			}
		}
	}()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		s.log.Printf("%s: program ended: %v", sess.RemoteAddr(), err)
	}
	p.Kill()
	cancel()
	// keep reading window changes until the channel closes, so that the
	// SSH library's request loop never blocks on them after we are gone
	go func() {
		for range winch {
		}
	}()
}

// enter takes one of the cores' slots for a batch of simulation steps.
func (s *Server) enter() func() {
	s.gate <- struct{}{}
	return func() { <-s.gate }
}

// sessionRenderer makes the session's own renderer from its TERM, with a
// dark background assumed rather than asked (a terminal that never answers
// would block until the user types).
func sessionRenderer(sess ssh.Session, pty ssh.Pty) *lipgloss.Renderer {
	env := append(sess.Environ(), "TERM="+pty.Term)
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(environ(env)), termenv.WithUnsafe(), termenv.WithColorCache(true))
	r.SetHasDarkBackground(true)
	return r
}

type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// maxStuck is how long a write to a client may wait before the session is
// closed: a client that stops reading gives its slot back.
const maxStuck = 30 * time.Second

// watchedOutput notes when a write to the client started and has not
// returned: the client has stopped reading.
type watchedOutput struct {
	w    io.Writer
	busy atomic.Int64 // when the write in progress started (0: none)
}

func (o *watchedOutput) Write(p []byte) (int, error) {
	o.busy.Store(time.Now().UnixNano())
	defer o.busy.Store(0)
	return o.w.Write(p)
}

// stuck is how long the write in progress has waited.
func (o *watchedOutput) stuck() time.Duration {
	if t := o.busy.Load(); t != 0 {
		return time.Since(time.Unix(0, t))
	}
	return 0
}

// limitedInput reads the session at most 255 bytes at a time (bubbletea
// v1's input parser is quadratic in long runs of runes) and at a bounded
// byte rate, and notes when the user last typed.
type limitedInput struct {
	r    io.Reader
	lim  *rate.Limiter
	last atomic.Int64
}

func (l *limitedInput) Read(p []byte) (int, error) {
	if len(p) > 255 {
		p = p[:255]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		l.last.Store(time.Now().UnixNano())
		_ = l.lim.WaitN(context.Background(), min(n, l.lim.Burst()))
	}
	return n, err
}
