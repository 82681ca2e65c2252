package tui

import (
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

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/jclub/jclub/topic"
)

// ServeOptions configures the SSH server. Every limit has a default that
// suits a room of students on a trusted network.
type ServeOptions struct {
	Listen         string        // address, e.g. 127.0.0.1:2222
	HostKey        string        // path of the ed25519 host key: created 0600 on first start
	AuthorizedKeys string        // if set, only these public keys are admitted
	MaxSessions    int           // concurrent sessions; past it a polite line and close
	IdleTimeout    time.Duration // no key pressed for this long ends a session
	MaxSession     time.Duration // no session lasts longer
	ConnPerMinute  int           // new connections per source address (IPv6 per /64) per minute
	Handshake      time.Duration // a connection not authenticated by then is closed
	Logger         *log.Logger   // nil: standard error

	// model, in tests, replaces the explorer (to inject a fault)
	model func(s ssh.Session, r *lipgloss.Renderer) tea.Model
}

// DefaultServeOptions are the defaults of jclub serve.
func DefaultServeOptions() ServeOptions {
	return ServeOptions{
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
func (o ServeOptions) Validate() error {
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
	o        ServeOptions
	srv      *ssh.Server
	log      *log.Logger
	sessions chan struct{} // a slot per concurrent session
	gate     chan struct{} // a slot per core: compute shared fairly between sessions
	limiters sync.Map      // source address → *rate.Limiter
	active   atomic.Int64
}

type ctxKey string

const authedKey ctxKey = "jclub-authed"

// NewServer checks the options, loads or creates the host key and builds
// the server.
func NewServer(o ServeOptions) (*Server, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	key, err := loadOrCreateHostKey(o.HostKey)
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, log: o.Logger, sessions: make(chan struct{}, o.MaxSessions),
		gate: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}
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

// Shutdown stops accepting and waits for sessions to end, up to ctx.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Sessions is the number of sessions running now.
func (s *Server) Sessions() int { return int(s.active.Load()) }

// onConn rate-limits new connections per source address and closes those
// not authenticated within the handshake timeout.
func (s *Server) onConn(ctx ssh.Context, c net.Conn) net.Conn {
	host := addrKey(c.RemoteAddr())
	lim, _ := s.limiters.LoadOrStore(host, rate.NewLimiter(rate.Every(time.Minute/time.Duration(s.o.ConnPerMinute)), s.o.ConnPerMinute))
	if !lim.(*rate.Limiter).Allow() {
		s.log.Printf("%s: too many connections, refused", host)
		return nil
	}
	authed := new(atomic.Bool)
	ctx.SetValue(authedKey, authed)
	time.AfterFunc(s.o.Handshake, func() {
		if !authed.Load() {
			c.Close()
		}
	})
	return c
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
// requests: window-changes before the shell (which would block the
// handler's one-slot channel) are held and only the last is delivered
// after it, and agent forwarding is refused.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{newChan}, ctx)
}

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
		var held []byte
		for req := range reqs {
			switch {
			case req.Type == "auth-agent-req@openssh.com":
				req.Reply(false, nil)
				continue
			case req.Type == "window-change" && !started:
				held = append(held[:0], req.Payload...)
				req.Reply(true, nil)
				continue
			}
			out <- req
			if req.Type == "shell" || req.Type == "exec" {
				started = true
				if held != nil {
					out <- &gossh.Request{Type: "window-change", Payload: held} // WantReply false: no reply needed
				}
			}
		}
	}()
	return ch, out, nil
}

// session is the whole middleware chain: recover, the session limit, the
// PTY check, the topic line, and the explorer.
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
		var o Options
		if cmd := sess.Command(); len(cmd) > 0 {
			t, v, seed, err := topic.ParseOpen(cmd)
			if err != nil {
				wish.Fatalln(sess, "jclub: "+err.Error())
				return
			}
			o = Options{Topic: t, Values: v, Seed: seed}
		}
		s.run(sess, pty, winch, o)
	}
}

// run runs one session's program until it quits, the client goes, the
// idle or session timeout passes.
func (s *Server) run(sess ssh.Session, pty ssh.Pty, winch <-chan ssh.Window, o Options) {
	r := sessionRenderer(sess, pty)
	o.Renderer = r
	o.Gate = s.enter
	var m tea.Model = New(o)
	if s.o.model != nil {
		m = s.o.model(sess, r)
	}
	in := &limitedInput{r: sess, lim: rate.NewLimiter(256<<10, 16<<10)}
	in.last.Store(time.Now().UnixNano())
	p := tea.NewProgram(m,
		tea.WithInput(in), tea.WithOutput(sess),
		tea.WithAltScreen(), tea.WithMouseCellMotion(),
		tea.WithFPS(30), tea.WithoutCatchPanics(), tea.WithoutSignalHandler(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return nil // a remote ctrl+z must never stop the server
			}
			return msg
		}),
	)
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
				if time.Since(time.Unix(0, in.last.Load())) > s.o.IdleTimeout {
					// say why, unless the client has stopped reading
					said := make(chan struct{})
					go func() {
						io.WriteString(sess, "\x1b[?1049l\x1b[?25h\r\njclub: closed after "+s.o.IdleTimeout.String()+" without a key.\r\n")
						close(said)
					}()
					select {
					case <-said:
					case <-time.After(time.Second):
					}
					p.Quit()
					sess.Close()
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
