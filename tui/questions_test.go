package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/jclub/jclub/topic"
)

// tabTo presses tab until the named side-panel tab shows.
func tabTo(t *testing.T, a *App, name string) {
	t.Helper()
	r := runnerOf(t, a)
	for range 10 {
		if r.tabNames()[r.tab] == name {
			return
		}
		press(a, "tab")
	}
	t.Fatalf("no %s tab in %v", name, r.tabNames())
}

// Choosing a question sets the topic up, paused at its start, with its
// line shown; esc returns to the screen as it was, step and values
// included.
func TestQuestionSetUpAndBack(t *testing.T) {
	v := topic.Hopfield.Defaults()
	_ = v.Set("flip", "0.3")
	a := newTestApp(Options{Topic: topic.Hopfield, Values: v, Seed: 4})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	r.Advance(17)
	before := r.Command()
	tabTo(t, a, "Questions")
	press(a, "down", "down", "enter") // the third question
	q := &topic.Hopfield.Questions[2]
	want, _ := q.Values(topic.Hopfield)
	if r.st.steps != 0 || r.st.running || r.st.seed != q.Seed || strings.Join(r.st.v.Args(), " ") != strings.Join(want.Args(), " ") {
		t.Fatalf("after enter on %s: step %d, running %v, seed %d, args %v (want %v)", q.ID, r.st.steps, r.st.running, r.st.seed, r.st.v.Args(), want.Args())
	}
	if view := a.View(); !strings.Contains(view, "▶ press space") || r.saved == nil {
		t.Fatalf("the question's line is not on the screen:\n%s", view)
	}
	press(a, " ") // it runs, and stops
	press(a, " ")
	press(a, "down", "enter") // another question: esc still goes back to the first screen
	press(a, "esc")
	if got := r.Command(); got != before {
		t.Fatalf("esc: %q, want the screen before the question %q", got, before)
	}
	if a.screen != Screen(r) {
		t.Fatal("esc left the topic instead of returning from the question")
	}
	press(a, "esc") // now esc goes to the menu
	if a.screen == Screen(r) {
		t.Fatal("the second esc did not go back to the menu")
	}
}

// jclub open TOPIC --question ID opens the set-up with its line; a topic
// line over SSH takes it too.
func TestOpenWithQuestion(t *testing.T) {
	op, err := topic.ParseOpen([]string{"rl", "--question", "dopamine"})
	if err != nil {
		t.Fatal(err)
	}
	if op.Question == nil || op.Values.Choice("env") != "conditioning" || op.Seed != op.Question.Seed {
		t.Fatalf("parsed %+v", op)
	}
	if _, err := topic.ParseOpen([]string{"rl", "--question", "dopamine", "--alpha", "0.2"}); err == nil || !strings.Contains(err.Error(), "--alpha") {
		t.Errorf("a parameter with --question: %v", err)
	}
	if _, err := topic.ParseOpen([]string{"rl", "--question", "nope"}); err == nil || !strings.Contains(err.Error(), "safe-path") {
		t.Errorf("an unknown question: %v", err)
	}
	a := newTestApp(Options{Topic: op.Topic, Values: op.Values, Seed: op.Seed, Question: op.Question})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if view := a.View(); !strings.Contains(view, "Questions") || !strings.Contains(view, "▶ press space") {
		t.Fatalf("opened on a question without its line:\n%s", view)
	}
}

// The questions panel at 80×24 and 200×60, a question set up.
func TestGoldenQuestions(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		for _, c := range []struct {
			t  *topic.Topic
			id string
		}{{topic.Hopfield, "noise"}, {topic.RL, "safe-path"}} {
			q, _ := c.t.Question(c.id)
			v, _ := q.Values(c.t)
			name := c.t.ID + "-" + c.id + "-" + map[int]string{80: "80x24", 200: "200x60"}[size[0]]
			t.Run(name, func(t *testing.T) {
				view := finalView(t, Options{Topic: c.t, Values: v, Seed: q.Seed, Question: q}, size[0], size[1], "down")
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
}
