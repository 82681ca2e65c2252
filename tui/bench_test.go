package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/jclub/jclub/topic"
	"io"
)

// a running diffusion screen at 200×60 in 256 colours
func benchApp(b *testing.B, walkers string) (*App, *runner) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	v := topic.Diffusion.Defaults()
	if err := v.Set("walkers", walkers); err != nil {
		b.Fatal(err)
	}
	a := New(Options{Topic: topic.Diffusion, Values: v, Seed: 1, Renderer: r})
	a.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	run := a.screen.(*runner)
	a.Update(keyMsg(" "))
	for range 50 {
		a.Update(tickMsg{run.gen})
	}
	return a, run
}

// One whole frame while running: a tick (2 steps, the field redrawn, the
// charts when their 100 ms are up, the screen composed) and the View that
// follows it.
func BenchmarkDiffusionFrame200x60(b *testing.B) {
	for _, n := range []string{"300", "10000"} {
		b.Run("walkers="+n, func(b *testing.B) {
			a, run := benchApp(b, n)
			b.ResetTimer()
			for range b.N {
				a.Update(tickMsg{run.gen})
				_ = a.View()
			}
		})
	}
}

// One step with everything redrawn (the charts too), as after the n key.
func BenchmarkDiffusionFullRedraw200x60(b *testing.B) {
	a, _ := benchApp(b, "300")
	a.Update(keyMsg(" ")) // pause
	b.ResetTimer()
	for range b.N {
		a.Update(keyMsg("n"))
		_ = a.View()
	}
}

// View alone, as bubbletea calls it after every message.
func BenchmarkDiffusionView200x60(b *testing.B) {
	a, _ := benchApp(b, "300")
	b.ResetTimer()
	for range b.N {
		_ = a.View()
	}
}

// Drawing each experiment's frame at 200×60 in 256 colours, after 50
// steps, as a live frame (charts as they were drawn) and as a full redraw
// (after a key: every chart drawn again). Steps are not timed.
func BenchmarkRender(b *testing.B) {
	t := &testing.T{}
	for _, e := range everyExperiment(t) {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI256)
		a := New(Options{Topic: e.t, Values: e.v, Seed: 1, Renderer: r})
		a.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		run := a.screen.(*runner)
		run.Advance(50)
		for _, live := range []bool{true, false} {
			name := e.name + "/full"
			if live {
				name = e.name + "/live"
			}
			b.Run(name, func(b *testing.B) {
				for range b.N {
					run.render(live)
				}
			})
		}
	}
}
