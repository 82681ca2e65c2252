package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// presenterKey makes a key and a presenters file holding it.
func presenterKey(t *testing.T) (gossh.Signer, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "presenters")
	if err := os.WriteFile(file, gossh.MarshalAuthorizedKey(sshPub), 0o600); err != nil {
		t.Fatal(err)
	}
	return signer, file
}

func dialKey(t *testing.T, addr string, key gossh.Signer) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "lecturer",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A presenter steps Hopfield; followers at 80×24 and 200×60 show the same
// step, each laid out for its own size; the presenter sees them; keys,
// a paste and a resize storm from a follower leave the room alone; a fork
// runs on alone; the presenter leaves and comes back to the same step.
func TestServeRoom(t *testing.T) {
	key, file := presenterKey(t)
	s, addr := startServer(t, func(o *Options) { o.Presenters = file })
	pc := dialKey(t, addr, key)
	defer pc.Close()
	pres := open(t, pc, 100, 30, "present")
	pres.waitFor(t, "computational-neuroscience journal club", 5*time.Second)
	io.WriteString(pres.in, "5")
	pres.waitFor(t, "Hopfield networks", 5*time.Second)
	io.WriteString(pres.in, "nnn")
	pres.waitFor(t, "step 3 ", 5*time.Second)

	var fols []*term
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		c := dial(t, addr)
		defer c.Close()
		f := open(t, c, sz[0], sz[1], "follow")
		f.waitFor(t, "following room main", 5*time.Second)
		f.waitFor(t, "step 3 ", 5*time.Second)
		fols = append(fols, f)
	}
	pres.waitFor(t, "2 following", 5*time.Second)
	io.WriteString(pres.in, "n")
	for _, f := range fols {
		f.waitFor(t, "step 4 ", 2*time.Second) // within a few frames
	}

	// the follower at 200×60 tries to drive
	f := fols[1]
	io.WriteString(f.in, " nrs+-\x1b[C\x1b[Dewgvdm12/tab")
	io.WriteString(f.in, "\x1b[200~"+strings.Repeat("nrs ", 16<<10)+"\x1b[201~")
	for w := 60; w < 260; w += 10 {
		f.sess.WindowChange(w/3, w)
	}
	time.Sleep(300 * time.Millisecond)
	room := s.rooms["main"]
	if id, steps := room.Step(); id != "hopfield" || steps != 4 {
		t.Fatalf("after a follower's keys the room is at %s step %d", id, steps)
	}

	// fork: the copy steps, the room does not
	g := fols[0]
	io.WriteString(g.in, "f")
	g.waitFor(t, "your own copy of room main (forked at step 4)", 5*time.Second)
	io.WriteString(g.in, "nn")
	g.waitFor(t, "step 6 ", 5*time.Second)
	if _, steps := room.Step(); steps != 4 {
		t.Fatalf("the fork stepped the room to %d", steps)
	}

	// the presenter leaves and comes back
	pres.quit(t)
	fols[1].waitFor(t, "presenter left", 5*time.Second)
	back := open(t, pc, 100, 30, "present")
	back.waitFor(t, "step 4 ", 5*time.Second)
	io.WriteString(back.in, "n")
	back.waitFor(t, "step 5 ", 5*time.Second)
	back.quit(t)
	for _, f := range fols {
		f.quit(t)
	}
}

// Who may present: nobody without --presenters, only a listed key with
// it, one presenter per room; follow needs a presented room; names are
// checked.
func TestServeRoomRefusals(t *testing.T) {
	key, file := presenterKey(t)
	_, plain := startServer(t, nil)
	c := dial(t, plain)
	defer c.Close()
	tm := open(t, c, 100, 30, "present")
	tm.waitFor(t, "this server has no presenters", 5*time.Second)

	_, addr := startServer(t, func(o *Options) { o.Presenters = file })
	anon := dial(t, addr)
	defer anon.Close()
	open(t, anon, 100, 30, "present").waitFor(t, "your key is not one of the presenters'", 5*time.Second)
	open(t, anon, 100, 30, "follow").waitFor(t, "no room main is being presented", 5*time.Second)
	open(t, anon, 100, 30, "follow \x1b[31mx").waitFor(t, "room names are 1 to 32 letters", 5*time.Second)

	pc := dialKey(t, addr, key)
	defer pc.Close()
	first := open(t, pc, 100, 30, "present")
	first.waitFor(t, "journal club", 5*time.Second)
	open(t, pc, 100, 30, "present").waitFor(t, "room main has a presenter already", 5*time.Second)
	other := open(t, pc, 100, 30, "present lab-2")
	other.waitFor(t, "journal club", 5*time.Second)
	other.quit(t)
	first.quit(t)
}

// Load, opt-in (JCLUB_LONG=1): a presenter runs diffusion (1,000 walkers)
// and then backprop while 200 followers at 100×30 and one that never reads
// watch; frames per second per follower, the presenter's key latency, CPU
// and heap per follower are reported.
func TestServeRoomLoad(t *testing.T) {
	if os.Getenv("JCLUB_LONG") == "" {
		t.Skip("set JCLUB_LONG=1")
	}
	const n = 200
	key, file := presenterKey(t)
	_, addr := startServer(t, func(o *Options) { o.Presenters = file; o.MaxSessions = n + 10 })
	for _, line := range []string{"diffusion --walkers 1000", "backprop"} {
		t.Run(strings.Fields(line)[0], func(t *testing.T) {
			pc := dialKey(t, addr, key)
			defer pc.Close()
			pres := open(t, pc, 100, 30, "present")
			time.Sleep(500 * time.Millisecond) // the menu, or the room's topic from before
			id := strings.Fields(line)[0]
			for i, tp := range []string{"diffusion", "anomalous", "reynolds", "perceptron", "hopfield", "boltzmann", "backprop", "deep"} {
				if tp == id {
					io.WriteString(pres.in, string(rune('1'+i)))
				}
			}
			pres.waitFor(t, map[string]string{"diffusion": "Standard diffusion", "backprop": "Backpropagation on MNIST"}[id], 10*time.Second)
			if strings.Contains(line, "walkers") {
				io.WriteString(pres.in, "\x1b[B\x1b[C\x1b[C") // walkers 300 → 500 → 1000
				pres.waitFor(t, "‹ 1000 ›", 5*time.Second)
			}
			io.WriteString(pres.in, " ")
			used := usage()
			fols := make([]*term, n)
			for i := range fols {
				c := dial(t, addr)
				defer c.Close()
				fols[i] = open(t, c, 100, 30, "follow")
			}
			for _, f := range fols {
				f.waitFor(t, "following room main", 20*time.Second)
			}
			// one that never reads: its output goes nowhere and blocks
			stuck := dial(t, addr)
			defer stuck.Close()
			ss, _ := stuck.NewSession()
			pr, pw := io.Pipe()
			defer pr.Close()
			ss.Stdout = pw
			ss.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{})
			ss.Start("follow")
			time.Sleep(time.Second)
			for _, f := range fols {
				f.clear()
			}
			window := 5 * time.Second
			time.Sleep(window)
			frames := make([]float64, n)
			lo, sum := 1e9, 0.0
			for i, f := range fols {
				f.mu.Lock()
				frames[i] = float64(bytes.Count(f.out.Bytes(), []byte("step "))) / window.Seconds()
				f.mu.Unlock()
				lo, sum = min(lo, frames[i]), sum+frames[i]
			}
			pres.clear()
			start := time.Now()
			io.WriteString(pres.in, "?")
			pres.waitFor(t, "Keys:", 5*time.Second)
			lat := time.Since(start)
			io.WriteString(pres.in, "?")
			cpu, heap := used()
			t.Logf("%s: %d followers: frames/s per follower min %.1f, mean %.1f; presenter key latency %s; process CPU %s over %s (clients included); heap per follower %.2f MB",
				line, n, lo, sum/n, lat.Round(time.Millisecond), cpu.Round(time.Millisecond), (window + time.Second).Round(time.Second), heap/n/1e6)
			if lo < 10 || lat > 100*time.Millisecond {
				t.Errorf("the slowest follower got %.1f frames/s, the presenter's key took %s", lo, lat)
			}
			for _, f := range fols {
				io.WriteString(f.in, "q")
			}
			pres.quit(t)
		})
	}
}

// A write the client does not read shows as stuck, and stops showing once
// read: the session loop closes a session stuck for maxStuck.
func TestWatchedOutput(t *testing.T) {
	pr, pw := io.Pipe()
	o := &watchedOutput{w: pw}
	go o.Write([]byte("frame"))
	time.Sleep(60 * time.Millisecond)
	if d := o.stuck(); d < 50*time.Millisecond {
		t.Fatalf("stuck %s while the write waits", d)
	}
	io.ReadFull(pr, make([]byte, 5))
	time.Sleep(10 * time.Millisecond)
	if d := o.stuck(); d != 0 {
		t.Fatalf("stuck %s after the write returned", d)
	}
}
