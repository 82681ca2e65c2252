package tui

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Room is a state shared by one presenter and its followers (jclub serve's
// rooms). The presenter's explorer is the only writer: it changes the state
// only inside Update, holding the room's lock. Followers draw the state
// under the read lock, each at its own size with its own side-panel
// choice; they never step it, so a room's compute does not grow with its
// followers. Followers are told of changes through a one-slot channel each
// (the latest change wins, at most 12 frames a second: a follower that
// falls behind skips frames and delays no one), and followers at the same
// size, colour profile and panel share one drawing of each version.
type Room struct {
	name string
	mu   sync.RWMutex
	st   *state // the presenter's topic; nil on the home menu

	version    atomic.Uint64
	presenting atomic.Bool
	followers  atomic.Int32

	subMu sync.Mutex
	subs  map[chan struct{}]struct{}
	count chan struct{} // the presenter's: the followers came or went
	left  chan struct{} // closed when the presenter leaves

	drawMu sync.Mutex
	drawn  map[drawKey]string // this version's drawings
	drawV  uint64
}

// drawKey is what a follower's drawing depends on besides the state.
type drawKey struct {
	w, h, tab, scroll int
	profile           int
}

// NewRoom makes an empty room.
func NewRoom(name string) *Room {
	return &Room{name: name, subs: map[chan struct{}]struct{}{}, drawn: map[drawKey]string{}, count: make(chan struct{}, 1)}
}

// Step is the room's topic and step count ("" and 0 on the home menu).
func (r *Room) Step() (topic string, steps int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.st == nil {
		return "", 0
	}
	return r.st.t.ID, r.st.steps
}

// Name is the room's name.
func (r *Room) Name() string { return r.name }

// Followers is how many follow the room now.
func (r *Room) Followers() int { return int(r.followers.Load()) }

// Presenting reports whether a presenter is in the room.
func (r *Room) Presenting() bool { return r.presenting.Load() }

// Present claims the room for a presenter; false if one is there already.
// Leave gives it up.
func (r *Room) Present() bool {
	if !r.presenting.CompareAndSwap(false, true) {
		return false
	}
	r.subMu.Lock()
	r.left = make(chan struct{})
	r.subMu.Unlock()
	return true
}

// Leave is the presenter leaving: followers keep the last state, paused.
func (r *Room) Leave() {
	r.mu.Lock()
	if r.st != nil {
		r.st.running = false
	}
	r.mu.Unlock()
	r.subMu.Lock()
	if r.left != nil {
		close(r.left)
		r.left = nil
	}
	r.subMu.Unlock()
	r.presenting.Store(false)
	r.changed()
}

// countMsg tells the presenter that followers came or went.
type countMsg struct{}

// watchCount waits for the followers to change, until the presenter leaves.
func (r *Room) watchCount() tea.Cmd {
	r.subMu.Lock()
	left := r.left
	r.subMu.Unlock()
	return func() tea.Msg {
		select {
		case <-r.count:
			return countMsg{}
		case <-left:
			return nil
		}
	}
}

// counted tells the presenter the followers changed.
func (r *Room) counted() {
	select {
	case r.count <- struct{}{}:
	default:
	}
}

// changed bumps the version and tells every follower.
func (r *Room) changed() {
	r.version.Add(1)
	r.subMu.Lock()
	for ch := range r.subs {
		select {
		case ch <- struct{}{}:
		default: // it has a change to read already
		}
	}
	r.subMu.Unlock()
}

func (r *Room) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	r.subMu.Lock()
	r.subs[ch] = struct{}{}
	r.subMu.Unlock()
	r.followers.Add(1)
	r.counted()
	return ch
}

func (r *Room) unsubscribe(ch chan struct{}) {
	r.subMu.Lock()
	delete(r.subs, ch)
	close(ch) // its waiting command returns
	r.subMu.Unlock()
	r.followers.Add(-1)
	r.counted()
}

// draw returns the drawing of the current version for k, made by make if
// no follower made it yet. Call it holding the read lock.
func (r *Room) draw(k drawKey, make func() string) string {
	r.drawMu.Lock()
	defer r.drawMu.Unlock()
	if v := r.version.Load(); v != r.drawV {
		clear(r.drawn)
		r.drawV = v
	}
	if s, ok := r.drawn[k]; ok {
		return s
	}
	s := make()
	r.drawn[k] = s
	return s
}

// roomMsg says the room changed.
type roomMsg struct{}

// followFrame is the shortest time between two frames of a follower.
const followFrame = 80 * time.Millisecond

// wait is a command that returns when the room next changes, no sooner than
// followFrame after the last frame.
func wait(ch chan struct{}, last time.Time) tea.Cmd {
	return func() tea.Msg {
		if d := followFrame - time.Since(last); d > 0 {
			time.Sleep(d)
		}
		if _, ok := <-ch; !ok {
			return nil
		}
		return roomMsg{}
	}
}

// follower is a follower's screen: a view of the room's state, or the
// follower's own copy of it after a fork.
type follower struct {
	c     *Common
	room  *Room
	ch    chan struct{}
	view  *runner // of the room's state
	fork  *runner // the follower's own copy, while forked
	w, h  int
	last  time.Time
	out   string
	gone  bool
	forkN int // the room's step when forked
}

var (
	forkKey   = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fork a copy"))
	unforkKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to following"))
)

func newFollower(c *Common, room *Room) *follower {
	return &follower{c: c, room: room, ch: room.subscribe()}
}

func (f *follower) Init() tea.Cmd { return wait(f.ch, time.Time{}) }

// stop leaves the room.
func (f *follower) stop() {
	if !f.gone {
		f.gone = true
		f.room.unsubscribe(f.ch)
	}
}

// sync points the view at the room's state (the presenter may have opened
// another topic). Hold the read lock.
func (f *follower) sync() {
	st := f.room.st
	switch {
	case st == nil:
		f.view = nil
	case f.view == nil || f.view.st != st:
		f.view = &runner{c: f.c, d: newDrawer(f.c), st: st, watching: true}
	}
}

// render draws the follower's screen at w×h (h including the bottom bar's
// line, as App gives it).
func (f *follower) render() {
	f.last = time.Now()
	if f.fork != nil {
		return // the fork draws itself
	}
	f.room.mu.RLock()
	defer f.room.mu.RUnlock()
	f.sync()
	if f.view == nil {
		f.out = block("\n  "+f.c.S.Dim.Render("the presenter is on the home menu: a topic shows here when they open one"), f.w, f.h)
		return
	}
	k := drawKey{w: f.w, h: f.h, tab: f.view.tab, scroll: f.view.scroll, profile: int(f.c.R.ColorProfile())}
	f.out = f.room.draw(k, func() string {
		f.view.w, f.view.h = f.w, f.h
		f.view.render(true)
		return f.view.out
	})
}

func (f *follower) setSize(w, h int) {
	f.w, f.h = w, h
	if f.fork != nil {
		f.fork.SetSize(w, h)
	}
	f.render()
}

func (f *follower) update(msg tea.Msg, keys KeyMap) tea.Cmd {
	switch msg := msg.(type) {
	case roomMsg:
		f.render()
		return wait(f.ch, f.last)
	case tea.KeyMsg:
		if f.fork != nil {
			if key.Matches(msg, unforkKey) && !f.fork.Escape() {
				f.fork = nil
				f.render()
				return nil
			}
			return f.fork.Update(msg)
		}
		switch {
		case key.Matches(msg, forkKey):
			f.room.mu.RLock()
			f.sync()
			if f.view != nil {
				f.fork = &runner{c: f.c, d: newDrawer(f.c), st: f.view.st.clone()}
				f.fork.st.running = false
				f.forkN = f.fork.st.steps
			}
			f.room.mu.RUnlock()
			if f.fork != nil {
				f.fork.SetSize(f.w, f.h)
			}
		case key.Matches(msg, keys.Tab):
			if f.view != nil {
				n := len(f.view.tabNames())
				f.view.tab = (f.view.tab + 1) % n
				f.view.scroll = 0
				f.render()
			}
		}
		return nil
	case tickMsg:
		if f.fork != nil {
			return f.fork.Update(msg)
		}
	case tea.MouseMsg:
		if f.fork != nil {
			return f.fork.Update(msg)
		}
	}
	return nil
}

func (f *follower) View() string {
	if f.fork != nil {
		return f.fork.View()
	}
	return f.out
}

// status is the bottom bar's word on the mode.
func (f *follower) status() string {
	switch {
	case f.fork != nil:
		return fmt.Sprintf("your own copy of room %s (forked at step %d)", f.room.name, f.forkN)
	case !f.room.Presenting():
		return fmt.Sprintf("following room %s · presenter left", f.room.name)
	}
	return fmt.Sprintf("following room %s", f.room.name)
}

func (f *follower) shortHelp(k KeyMap) []key.Binding {
	if f.fork != nil {
		b := []key.Binding{unforkKey}
		for _, x := range f.fork.ShortHelp() {
			if x.Help().Desc != k.Back.Help().Desc { // esc goes back to following here
				b = append(b, x)
			}
		}
		return b
	}
	return []key.Binding{forkKey, k.Tab, k.Help, k.Quit}
}
