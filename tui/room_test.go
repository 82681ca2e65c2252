package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/topic"
)

// roomOf is a presenter on hopfield and followers at the given sizes.
func roomOf(t *testing.T, sizes ...[2]int) (*Room, *App, []*App) {
	t.Helper()
	room := NewRoom("main")
	if !room.Present() {
		t.Fatal("a fresh room refused its presenter")
	}
	p := newTestApp(Options{Topic: topic.Hopfield, Seed: 3, Present: room})
	p.Init()
	p.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	var fs []*App
	for _, sz := range sizes {
		f := newTestApp(Options{Follow: room})
		f.Init()
		f.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		fs = append(fs, f)
	}
	return room, p, fs
}

// stateOf is what decides the room's screen, as a comparable line.
func stateOf(room *Room) string {
	room.mu.RLock()
	defer room.mu.RUnlock()
	if room.st == nil {
		return "menu"
	}
	st := room.st
	return strings.Join(append(st.v.Args(), st.t.ID, st.u.status()), " ") + " " + st.exp + " " + string(rune('0'+st.steps%10))
}

// A presenter steps; followers at 80×24 and 200×60 show the same step and
// energy, each laid out for its own size.
func TestRoomFollowersSeeThePresenter(t *testing.T) {
	_, p, fs := roomOf(t, [2]int{80, 24}, [2]int{200, 60})
	press(p, "n", "n", "n", "n", "n")
	energy := unitOf(runnerOf(t, p)).(*hopfield).net.E
	for i, f := range fs {
		f.Update(roomMsg{})
		v := f.View()
		lines := strings.Split(v, "\n")
		want := [][2]int{{80, 24}, {200, 60}}[i]
		if len(lines) != want[1] || !strings.Contains(lines[0], "step 5 ") || !strings.Contains(v, fmt.Sprintf("H = %.2f", energy)) {
			t.Fatalf("follower %d×%d:\n%s", want[0], want[1], v)
		}
		if !strings.Contains(lines[len(lines)-1], "following room main") {
			t.Fatalf("the bottom bar does not say following: %q", lines[len(lines)-1])
		}
	}
	if !strings.Contains(p.View(), "2 following") {
		t.Fatalf("the presenter does not see its followers:\n%s", p.View())
	}
}

// No key, paste or resize of a follower changes the room.
func TestRoomFollowersCannotDrive(t *testing.T) {
	room, p, fs := roomOf(t, [2]int{100, 30})
	press(p, "n", "n")
	before := stateOf(room)
	f := fs[0]
	keys := []string{" ", "n", "r", "s", "+", "-", "left", "right", "up", "down", "enter", "e", "w", "g", "v", "d", "m", "i", "1", "5", "/", "x", "c", "h", "j", "k", "l", "tab", "shift+tab", "esc"}
	for _, k := range keys {
		f.Update(keyMsg(k))
		f.Update(roomMsg{})
	}
	f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("nrs ", 16<<10)), Paste: true})
	for w := 60; w < 260; w += 7 {
		f.Update(tea.WindowSizeMsg{Width: w, Height: w / 3})
	}
	if got := stateOf(room); got != before {
		t.Fatalf("a follower changed the room: %q → %q", before, got)
	}
}

// Fork: the follower's copy starts equal to the room and then runs on its
// own while the room goes on untouched; esc goes back to following.
func TestRoomFork(t *testing.T) {
	room, p, fs := roomOf(t, [2]int{100, 30})
	press(p, "n", "n", "n")
	f := fs[0]
	f.Update(roomMsg{})
	press(f, "f")
	fork := f.fol.fork
	if fork == nil {
		t.Fatal("f did not fork")
	}
	if fork.st.steps != 3 || fork.st.u.status() != runnerOf(t, p).st.u.status() {
		t.Fatalf("the fork starts at step %d (%s), the room at 3 (%s)", fork.st.steps, fork.st.u.status(), runnerOf(t, p).st.u.status())
	}
	before := stateOf(room)
	press(f, "n", "n", "r", "n")
	if fork.st.steps != 1 || stateOf(room) != before {
		t.Fatalf("fork at step %d; room %q → %q", fork.st.steps, before, stateOf(room))
	}
	if !strings.Contains(f.View(), "your own copy of room main (forked at step 3)") {
		t.Fatalf("the bottom bar does not say forked:\n%s", f.View())
	}
	press(f, "esc")
	f.Update(roomMsg{})
	if f.fol.fork != nil || !strings.Contains(f.View(), "step 3 ") {
		t.Fatalf("esc did not go back to following:\n%s", f.View())
	}
}

// The presenter leaves: followers keep the last state and say so; present
// again resumes the room where it was.
func TestRoomPresenterLeavesAndComesBack(t *testing.T) {
	room, p, fs := roomOf(t, [2]int{100, 30})
	press(p, "n", "n", "n", "n")
	p.Close()
	f := fs[0]
	f.Update(roomMsg{})
	if v := f.View(); !strings.Contains(v, "presenter left") || !strings.Contains(v, "step 4 ") {
		t.Fatalf("after the presenter left:\n%s", v)
	}
	if !room.Present() {
		t.Fatal("the room refused its presenter's return")
	}
	back := newTestApp(Options{Present: room})
	back.Init()
	back.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(back, "n")
	if r := runnerOf(t, back); r.st.steps != 5 || r.st.t != topic.Hopfield {
		t.Fatalf("back in the room: %s at step %d", r.st.t.ID, r.st.steps)
	}
	if room.Present() {
		t.Fatal("a second presenter was let in")
	}
}

// While a room is presented the home menu says so, and F follows it.
func TestMenuFollowsALiveRoom(t *testing.T) {
	room, p, _ := roomOf(t)
	press(p, "n")
	a := newTestApp(Options{Rooms: func() []*Room { return []*Room{room} }})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if v := a.View(); !strings.Contains(v, "room main is being presented: F follows it") || !strings.Contains(v, "F follow the presenter") {
		t.Fatalf("the menu does not offer the room:\n%s", v)
	}
	press(a, "F")
	a.Update(roomMsg{})
	if a.fol == nil || !strings.Contains(a.View(), "following room main") || !strings.Contains(a.View(), "step 1 ") {
		t.Fatalf("F did not follow:\n%s", a.View())
	}
	a.Close()
	if room.Followers() != 0 {
		t.Fatalf("%d followers after the follower closed", room.Followers())
	}
}

// Followers at one size and panel share one drawing of each version; one
// at another size gets its own.
func TestRoomSharesDrawings(t *testing.T) {
	room, p, fs := roomOf(t, [2]int{100, 30}, [2]int{100, 30}, [2]int{120, 40})
	press(p, "n")
	for _, f := range fs {
		f.Update(roomMsg{})
	}
	room.drawMu.Lock()
	n := len(room.drawn)
	room.drawMu.Unlock()
	if n != 2 || fs[0].View() != fs[1].View() {
		t.Fatalf("%d drawings for two sizes", n)
	}
}
